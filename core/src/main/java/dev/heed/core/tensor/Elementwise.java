package dev.heed.core.tensor;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.replay.ScalarPass;
import java.util.Optional;

/**
 * Elementwise operations: functions of one tensor, arithmetic between tensors with NumPy
 * broadcasting, comparisons and selection. Each records its derivative for autodiff (comparisons
 * and sign have none).
 */
public final class Elementwise {
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

  /** {@code g·(1 - y²)} from {@code (g, y)}: the derivative of tanh through its output. */
  private static final ElementwiseProgram TANH_GRAD;

  /** {@code g·(y·(1 - y))} from {@code (g, y)}: the derivative of the logistic function. */
  private static final ElementwiseProgram SIGMOID_GRAD;

  /** {@code g·step(x > 0)} from {@code (g, x)}: the derivative of ReLU (0 at 0). */
  private static final ElementwiseProgram RELU_GRAD;

  /** {@code g·(2x)} from {@code (g, x)}: the derivative of the square, one pass instead of two. */
  private static final ElementwiseProgram SQUARE_GRAD;

  static {
    ElementwiseProgram.Builder r = ElementwiseProgram.builder(2);
    r.output(r.binary(BinaryOp.MUL, 0, r.unary(UnaryOp.STEP, 0, 0, 1)));
    RELU_GRAD = r.build();
    ElementwiseProgram.Builder t = ElementwiseProgram.builder(2);
    int y2 = t.unary(UnaryOp.SQUARE, 1);
    t.output(t.binary(BinaryOp.MUL, 0, t.affine(y2, -1, 1)));
    TANH_GRAD = t.build();
    ElementwiseProgram.Builder s = ElementwiseProgram.builder(2);
    int oneMinus = s.affine(1, -1, 1);
    s.output(s.binary(BinaryOp.MUL, 0, s.binary(BinaryOp.MUL, 1, oneMinus)));
    SIGMOID_GRAD = s.build();
    ElementwiseProgram.Builder q = ElementwiseProgram.builder(2);
    q.output(q.binary(BinaryOp.MUL, 0, q.affine(1, 2, 0)));
    SQUARE_GRAD = q.build();
  }

  private Elementwise() {}

  // ------------------------------------------------------------------ unary

  static Tensor unaryRaw(UnaryOp op, double a, double b, Tensor x) {
    if (!x.dtype().isFloatingPoint()) {
      Checks.floating(op.name().toLowerCase(java.util.Locale.ROOT), x);
    }
    Tensor out = Tensor.allocateForOverwrite(x.backend(), x.shape(), x.dtype());
    Kernels.unary(x.backend(), op, a, b, x.buffer(), x.layout(), out.buffer(), out.layout());
    return out;
  }

  /** {@code -x} */
  public static Tensor neg(Tensor x) {
    return Autograd.record(
        unaryRaw(UnaryOp.NEG, 0, 0, x), "neg", Autograd.NONE, g -> new Tensor[] {neg(g)}, x);
  }

  /** {@code |x|}; the derivative at 0 is 0. */
  public static Tensor abs(Tensor x) {
    return Autograd.record(
        unaryRaw(UnaryOp.ABS, 0, 0, x), "abs", g -> new Tensor[] {mul(g, sign(x))}, x);
  }

  /** The sign of x (-1, 0 or 1); no gradient. */
  public static Tensor sign(Tensor x) {
    return unaryRaw(UnaryOp.SIGN, 0, 0, x);
  }

  /** {@code e^x} */
  public static Tensor exp(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.EXP, 0, 0, x);
    return Autograd.record(out, "exp", new Tensor[] {out}, g -> new Tensor[] {mul(g, out)}, x);
  }

  /** {@code e^x - 1} */
  public static Tensor expm1(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.EXPM1, 0, 0, x);
    return Autograd.record(
        out, "expm1", new Tensor[] {out}, g -> new Tensor[] {mul(g, affine(out, 1, 1))}, x);
  }

  /** natural logarithm */
  public static Tensor log(Tensor x) {
    return Autograd.record(unaryRaw(UnaryOp.LOG, 0, 0, x), "log", g -> new Tensor[] {div(g, x)}, x);
  }

  /** {@code ln(1 + x)} */
  public static Tensor log1p(Tensor x) {
    return Autograd.record(
        unaryRaw(UnaryOp.LOG1P, 0, 0, x), "log1p", g -> new Tensor[] {div(g, affine(x, 1, 1))}, x);
  }

  /** square root */
  public static Tensor sqrt(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.SQRT, 0, 0, x);
    return Autograd.record(
        out, "sqrt", new Tensor[] {out}, g -> new Tensor[] {div(g, affine(out, 2, 0))}, x);
  }

  /** {@code 1 / x} */
  public static Tensor reciprocal(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.RECIPROCAL, 0, 0, x);
    return Autograd.record(
        out, "reciprocal", new Tensor[] {out}, g -> new Tensor[] {neg(mul(g, square(out)))}, x);
  }

  /** {@code x²} */
  public static Tensor square(Tensor x) {
    return Autograd.record(
        unaryRaw(UnaryOp.SQUARE, 0, 0, x),
        "square",
        g -> new Tensor[] {fused(SQUARE_GRAD, g, x)[0]},
        x);
  }

  /** sine */
  public static Tensor sin(Tensor x) {
    return Autograd.record(
        unaryRaw(UnaryOp.SIN, 0, 0, x), "sin", g -> new Tensor[] {mul(g, cos(x))}, x);
  }

  /** cosine */
  public static Tensor cos(Tensor x) {
    return Autograd.record(
        unaryRaw(UnaryOp.COS, 0, 0, x), "cos", g -> new Tensor[] {neg(mul(g, sin(x)))}, x);
  }

  /** hyperbolic tangent */
  public static Tensor tanh(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.TANH, 0, 0, x);
    return Autograd.record(
        out, "tanh", new Tensor[] {out}, g -> new Tensor[] {fused(TANH_GRAD, g, out)[0]}, x);
  }

  /** logistic sigmoid */
  public static Tensor sigmoid(Tensor x) {
    Tensor out = unaryRaw(UnaryOp.SIGMOID, 0, 0, x);
    return Autograd.record(
        out, "sigmoid", new Tensor[] {out}, g -> new Tensor[] {fused(SIGMOID_GRAD, g, out)[0]}, x);
  }

  /** {@code max(x, 0)}; the derivative at 0 is 0, as in PyTorch. */
  public static Tensor relu(Tensor x) {
    return Autograd.record(
        unaryRaw(UnaryOp.RELU, 0, 0, x), "relu", g -> new Tensor[] {fused(RELU_GRAD, g, x)[0]}, x);
  }

  /** Gauss error function. */
  public static Tensor erf(Tensor x) {
    return Autograd.record(
        unaryRaw(UnaryOp.ERF, 0, 0, x),
        "erf",
        g -> new Tensor[] {mul(g, affine(exp(neg(square(x))), TWO_OVER_SQRT_PI, 0))},
        x);
  }

  /** {@code a·x + b} */
  public static Tensor affine(Tensor x, double a, double b) {
    return Autograd.record(
        unaryRaw(UnaryOp.AFFINE, a, b, x),
        "affine",
        Autograd.NONE,
        g -> new Tensor[] {affine(g, a, 0)},
        x);
  }

  /** {@code x^p} for a constant exponent. */
  public static Tensor pow(Tensor x, double p) {
    return Autograd.record(
        unaryRaw(UnaryOp.POW, p, 0, x),
        "pow",
        g -> new Tensor[] {mul(g, affine(pow(x, p - 1), p, 0))},
        x);
  }

  /**
   * {@code min(max(x, lo), hi)}; the derivative is 1 on {@code [lo, hi]} (boundaries included, as
   * in PyTorch) and 0 outside.
   */
  public static Tensor clamp(Tensor x, double lo, double hi) {
    return Autograd.record(
        unaryRaw(UnaryOp.CLAMP, lo, hi, x),
        "clamp",
        g -> {
          // x >= lo  <=>  not (-x > -lo);  x <= hi  <=>  not (x > hi)
          Tensor inside = mul(affine(step(neg(x), -lo), -1, 1), affine(step(x, hi), -1, 1));
          return new Tensor[] {mul(g, inside)};
        },
        x);
  }

  /** 1 where {@code x > threshold}, else 0; no gradient. */
  public static Tensor step(Tensor x, double threshold) {
    return unaryRaw(UnaryOp.STEP, threshold, 0, x);
  }

  // ------------------------------------------------------------------ binary

  static Tensor binaryRaw(String name, BinaryOp op, Tensor a, Tensor b) {
    Checks.sameDevice(name, a, b);
    Checks.floating(name, a);
    Shape out = Shape.broadcast(name, a.shape(), b.shape());
    Tensor r = Tensor.allocateForOverwrite(a.backend(), out, a.dtype());
    Kernels.binary(
        a.backend(),
        op,
        a.buffer(),
        Broadcast.layout(a, out),
        b.buffer(),
        Broadcast.layout(b, out),
        r.buffer(),
        r.layout());
    return r;
  }

  /** {@code a + b} */
  public static Tensor add(Tensor a, Tensor b) {
    return Autograd.record(
        binaryRaw("add", BinaryOp.ADD, a, b),
        "add",
        Autograd.NONE,
        g -> new Tensor[] {Shapes.sumTo(g, a.shape()), Shapes.sumTo(g, b.shape())},
        a,
        b);
  }

  /** {@code a - b} */
  public static Tensor sub(Tensor a, Tensor b) {
    return Autograd.record(
        binaryRaw("sub", BinaryOp.SUB, a, b),
        "sub",
        Autograd.NONE,
        g ->
            new Tensor[] {
              Shapes.sumTo(g, a.shape()), b.requiresGrad() ? Shapes.sumTo(neg(g), b.shape()) : null
            },
        a,
        b);
  }

  /** {@code a · b} */
  public static Tensor mul(Tensor a, Tensor b) {
    return Autograd.record(
        binaryRaw("mul", BinaryOp.MUL, a, b),
        "mul",
        g ->
            new Tensor[] {
              a.requiresGrad() ? Shapes.sumTo(mul(g, b), a.shape()) : null,
              b.requiresGrad() ? Shapes.sumTo(mul(g, a), b.shape()) : null
            },
        a,
        b);
  }

  /** {@code a / b} */
  public static Tensor div(Tensor a, Tensor b) {
    Tensor out = binaryRaw("div", BinaryOp.DIV, a, b);
    return Autograd.record(
        out,
        "div",
        new Tensor[] {b, out},
        g ->
            new Tensor[] {
              a.requiresGrad() ? Shapes.sumTo(div(g, b), a.shape()) : null,
              b.requiresGrad() ? Shapes.sumTo(neg(div(mul(g, out), b)), b.shape()) : null
            },
        a,
        b);
  }

  /** {@code a^b}; the derivative in b is taken as 0 where {@code a <= 0}. */
  public static Tensor pow(Tensor a, Tensor b) {
    Tensor out = binaryRaw("pow", BinaryOp.POW, a, b);
    return Autograd.record(
        out,
        "pow",
        new Tensor[] {a, b, out},
        g -> {
          Tensor ga =
              a.requiresGrad()
                  ? Shapes.sumTo(mul(g, mul(b, pow(a, affine(b, 1, -1)))), a.shape())
                  : null;
          Tensor gb = null;
          if (b.requiresGrad()) {
            Tensor zero = Tensors.scalar(a.backend(), a.dtype(), 0.0);
            Tensor positive = binaryRaw("pow", BinaryOp.GT, a, zero);
            Tensor logA =
                where(
                    positive,
                    log(where(positive, a, Tensors.scalar(a.backend(), a.dtype(), 1.0))),
                    zero);
            gb = Shapes.sumTo(mul(g, mul(out, logA)), b.shape());
          }
          return new Tensor[] {ga, gb};
        },
        a,
        b);
  }

  /** Elementwise maximum; at ties the gradient is split evenly, as in PyTorch. */
  public static Tensor maximum(Tensor a, Tensor b) {
    return extremum("maximum", BinaryOp.MAX, BinaryOp.GT, a, b);
  }

  /** Elementwise minimum; at ties the gradient is split evenly, as in PyTorch. */
  public static Tensor minimum(Tensor a, Tensor b) {
    return extremum("minimum", BinaryOp.MIN, BinaryOp.LT, a, b);
  }

  private static Tensor extremum(String name, BinaryOp op, BinaryOp wins, Tensor a, Tensor b) {
    return Autograd.record(
        binaryRaw(name, op, a, b),
        name,
        g -> {
          Tensor share =
              add(binaryRaw(name, wins, a, b), affine(binaryRaw(name, BinaryOp.EQ, a, b), 0.5, 0));
          return new Tensor[] {
            Shapes.sumTo(mul(g, share), a.shape()),
            Shapes.sumTo(mul(g, affine(share, -1, 1)), b.shape())
          };
        },
        a,
        b);
  }

  /** 1 where {@code a > b}, else 0; broadcasting; no gradient. */
  public static Tensor greater(Tensor a, Tensor b) {
    return binaryRaw("greater", BinaryOp.GT, a, b);
  }

  /** 1 where {@code a >= b}, else 0; broadcasting; no gradient. */
  public static Tensor greaterEqual(Tensor a, Tensor b) {
    return binaryRaw("greaterEqual", BinaryOp.GE, a, b);
  }

  /** 1 where {@code a < b}, else 0; broadcasting; no gradient. */
  public static Tensor less(Tensor a, Tensor b) {
    return binaryRaw("less", BinaryOp.LT, a, b);
  }

  /** 1 where {@code a <= b}, else 0; broadcasting; no gradient. */
  public static Tensor lessEqual(Tensor a, Tensor b) {
    return binaryRaw("lessEqual", BinaryOp.LE, a, b);
  }

  /** 1 where {@code a == b}, else 0; broadcasting; no gradient. */
  public static Tensor equal(Tensor a, Tensor b) {
    return binaryRaw("equal", BinaryOp.EQ, a, b);
  }

  /** 1 where {@code a != b}, else 0; broadcasting; no gradient. */
  public static Tensor notEqual(Tensor a, Tensor b) {
    return binaryRaw("notEqual", BinaryOp.NE, a, b);
  }

  /**
   * {@code cond != 0 ? a : b}, broadcasting all three. Gradients flow to {@code a} where the
   * condition holds and to {@code b} elsewhere; none to the condition.
   */
  public static Tensor where(Tensor cond, Tensor a, Tensor b) {
    Checks.sameDevice("where", a, b);
    Checks.sameDevice("where", cond, a);
    Shape out =
        Shape.broadcast("where", Shape.broadcast("where", cond.shape(), a.shape()), b.shape());
    Tensor r = Tensor.allocateForOverwrite(a.backend(), out, a.dtype());
    Kernels.where(
        a.backend(),
        cond.buffer(),
        Broadcast.layout(cond, out),
        a.buffer(),
        Broadcast.layout(a, out),
        b.buffer(),
        Broadcast.layout(b, out),
        r.buffer(),
        r.layout());
    return Autograd.record(
        r,
        "where",
        new Tensor[] {cond},
        g -> {
          Tensor zero = Tensors.scalar(g.backend(), g.dtype(), 0.0);
          return new Tensor[] {
            null,
            a.requiresGrad() ? Shapes.sumTo(where(cond, g, zero), a.shape()) : null,
            b.requiresGrad() ? Shapes.sumTo(where(cond, zero, g), b.shape()) : null
          };
        },
        cond,
        a,
        b);
  }

  // ------------------------------------------------------------------ in place

  /**
   * {@code target = target op other} in place, broadcasting {@code other} to {@code target}'s
   * shape. Not recorded: only for tensors outside the tape (optimizer updates, gradient
   * accumulation), with {@link GradMode} off or on tensors that need no gradient.
   *
   * @throws IllegalStateException when gradients are recorded and {@code target} or {@code other}
   *     requires one
   */
  public static void applyInPlace(BinaryOp op, Tensor target, Tensor other) {
    checkInPlace("applyInPlace " + op, target, other);
    Checks.sameDevice("applyInPlace " + op, target, other);
    Shape out = Shape.broadcast("applyInPlace " + op, target.shape(), other.shape());
    if (!out.equals(target.shape())) {
      throw new IllegalArgumentException(
          "applyInPlace "
              + op
              + ": "
              + other.shape()
              + " does not broadcast to the target's shape "
              + target.shape());
    }
    Kernels.binary(
        target.backend(),
        op,
        target.buffer(),
        target.layout(),
        other.buffer(),
        Broadcast.layout(other, out),
        target.buffer(),
        target.layout());
    target.bumpVersion();
  }

  /**
   * {@code target = op(target; a, b)} in place; the same restrictions as {@link
   * #applyInPlace(BinaryOp, Tensor, Tensor)}.
   */
  public static void applyInPlace(UnaryOp op, double a, double b, Tensor target) {
    checkInPlace("applyInPlace " + op, target, null);
    Checks.floating("applyInPlace " + op, target);
    Kernels.unary(
        target.backend(),
        op,
        a,
        b,
        target.buffer(),
        target.layout(),
        target.buffer(),
        target.layout());
    target.bumpVersion();
  }

  /** {@code target += other} in place. */
  public static void addInPlace(Tensor target, Tensor other) {
    applyInPlace(BinaryOp.ADD, target, other);
  }

  /**
   * Copies {@code source}'s values into {@code target} (same shape, or broadcastable), in place;
   * {@code target} may be a view, and the write is seen through every tensor sharing its storage.
   *
   * <p>Recorded when gradients are recorded and {@code source} or {@code target} requires one: the
   * tensor that {@code target} is a view of (or {@code target} itself) gets a new tape entry whose
   * gradient goes to {@code source} for the overwritten elements and to that tensor's earlier value
   * for the others, as PyTorch records {@code copy_} into a view. Tensors that other operations
   * saved for their gradients must not be overwritten (backward refuses them).
   *
   * @throws IllegalStateException when the write would need recording but {@code target} is a leaf
   *     that requires a gradient or a view of one
   */
  public static void assign(Tensor target, Tensor source) {
    Checks.sameDevice("assign", target, source);
    Shape out = Shape.broadcast("assign", target.shape(), source.shape());
    if (!out.equals(target.shape())) {
      throw new IllegalArgumentException(
          "assign: " + source.shape() + " does not broadcast to " + target.shape());
    }
    boolean record = GradMode.isEnabled() && (target.requiresGrad() || source.requiresGrad());
    if (record) {
      Tensor root = target.base != null ? target.base : target;
      if (root.currentNode() == null && root.requiresGrad()) {
        throw new IllegalStateException(
            "assign: cannot write into "
                + (root == target ? "a leaf tensor " : "a view of a leaf tensor ")
                + root.shape()
                + " that requires a gradient while gradients are recorded; write into a copy"
                + " (clone it with Shapes.copy) or wrap the update in"
                + " try (var g = GradMode.disable()) { ... }");
      }
    }
    Kernels.copy(
        target.backend(),
        source.buffer(),
        Broadcast.layout(source, out),
        target.buffer(),
        target.layout());
    target.bumpVersion();
    if (record) {
      Writes.recordAssign(target, source);
    }
  }

  /** Sets every element of {@code target} (a tensor or a view) to {@code value}, in place. */
  public static void fill(Tensor target, double value) {
    checkInPlace("fill", target, null);
    if (target.isContiguous()) {
      Kernels.fill(
          target.backend(), target.buffer(), target.layout().offset(), target.size(), value);
    } else {
      Tensor v = Tensors.scalar(target.backend(), target.dtype(), value);
      Kernels.copy(
          target.backend(),
          v.buffer(),
          Broadcast.layout(v, target.shape()),
          target.buffer(),
          target.layout());
    }
    target.bumpVersion();
  }

  // ------------------------------------------------------------------ fused chains

  private static final double[] NO_PARAMETERS = new double[0];

  /**
   * Runs {@code program} (without run-time parameters) over {@code inputs}; see {@link
   * #fused(ElementwiseProgram, double[], Tensor...)}.
   */
  public static Tensor[] fused(ElementwiseProgram program, Tensor... inputs) {
    return fused(program, NO_PARAMETERS, inputs);
  }

  /**
   * Runs {@code program} with the run-time {@code parameters} over {@code inputs}, which share one
   * shape, backend and floating-point type, and returns its outputs as new contiguous tensors of
   * that shape: in one pass when the backend offers {@link FusedElementwise}, else step by step.
   * Not recorded on the tape, so for backward formulas and optimizer updates (which run with {@link
   * GradMode} off) and for tensors that need no gradient.
   *
   * @throws IllegalStateException when gradients are recorded and an input requires one
   */
  public static Tensor[] fused(ElementwiseProgram program, double[] parameters, Tensor... inputs) {
    checkFused(program, parameters, inputs);
    Tensor first = inputs[0];
    Tensor[] out = new Tensor[program.outputCount()];
    Optional<FusedElementwise> fused = first.backend().capability(FusedElementwise.class);
    if (fused.isPresent() && fused.get().supports(first.dtype()) && first.size() > 0) {
      Buffer[] outBuffers = new Buffer[out.length];
      for (int j = 0; j < out.length; j++) {
        out[j] = Tensor.allocateForOverwrite(first.backend(), first.shape(), first.dtype());
        outBuffers[j] = out[j].buffer();
      }
      fused.get().run(program, parameters, denseBuffers(inputs), outBuffers, first.size());
      return out;
    }
    return stepByStep(program, parameters, inputs);
  }

  /** {@link #fusedInto(ElementwiseProgram, double[], Tensor[], Tensor...)} without parameters. */
  public static void fusedInto(ElementwiseProgram program, Tensor[] inputs, Tensor... targets) {
    fusedInto(program, NO_PARAMETERS, inputs, targets);
  }

  /**
   * Runs {@code program} with the run-time {@code parameters} over {@code inputs} and writes its
   * outputs into {@code targets}, in place (a target may be one of the inputs: an optimizer's
   * parameter and moments). The same rules as {@link #fused(ElementwiseProgram, double[],
   * Tensor...)}; targets must have the inputs' shape and must not require a gradient while
   * gradients are recorded.
   */
  public static void fusedInto(
      ElementwiseProgram program, double[] parameters, Tensor[] inputs, Tensor... targets) {
    if (ScalarPass.inHostPass()) {
      // a replayed step's update computing its per-step scalars: the plan runs the kernel
      ScalarPass.collect(program, parameters, buffers(targets));
      return;
    }
    checkFused(program, parameters, inputs);
    Tensor first = inputs[0];
    if (targets.length != program.outputCount()) {
      throw new IllegalArgumentException(
          "fused: " + targets.length + " targets for " + program.outputCount() + " outputs");
    }
    boolean dense = true;
    for (Tensor t : targets) {
      checkInPlace("fused", t, null);
      Checks.sameDevice("fused", first, t);
      if (!t.shape().equals(first.shape())) {
        throw new IllegalArgumentException(
            "fused: target " + t.shape() + " differs from the inputs' shape " + first.shape());
      }
      dense &= t.dense();
    }
    Optional<FusedElementwise> fused = first.backend().capability(FusedElementwise.class);
    if (dense && fused.isPresent() && fused.get().supports(first.dtype()) && first.size() > 0) {
      Buffer[] in = denseBuffers(inputs);
      Buffer[] out = buffers(targets);
      checkTargetsApart(targets);
      fused.get().run(program, parameters, in, out, first.size());
      for (Tensor t : targets) {
        t.bumpVersion();
      }
      return;
    }
    Tensor[] results = stepByStep(program, parameters, inputs);
    for (int j = 0; j < targets.length; j++) {
      assign(targets[j], results[j]);
    }
  }

  private static void checkFused(ElementwiseProgram program, double[] parameters, Tensor[] inputs) {
    if (inputs.length != program.inputs()) {
      throw new IllegalArgumentException(
          "fused: " + inputs.length + " inputs for a program of " + program.inputs());
    }
    program.checkParameters(parameters);
    Tensor first = inputs[0];
    Checks.floating("fused", first);
    for (Tensor t : inputs) {
      Checks.sameDevice("fused", first, t);
      if (!t.shape().equals(first.shape())) {
        throw new IllegalArgumentException(
            "fused: inputs of different shapes " + first.shape() + " and " + t.shape());
      }
      if (GradMode.isEnabled() && t.requiresGrad()) {
        throw new IllegalStateException(
            "fused: the chain is not recorded on the tape, but an input requires a gradient;"
                + " run it with gradients off (try (var g = GradMode.disable()) { ... })");
      }
    }
  }

  /** Requires the targets of a fused chain to be distinct storages. */
  private static void checkTargetsApart(Tensor[] targets) {
    for (int i = 0; i < targets.length; i++) {
      for (int j = i + 1; j < targets.length; j++) {
        if (targets[i].sharesStorage(targets[j])) {
          throw new IllegalArgumentException(
              "fused: targets " + i + " and " + j + " share memory; each output needs its own");
        }
      }
    }
  }

  private static Buffer[] buffers(Tensor[] tensors) {
    Buffer[] b = new Buffer[tensors.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = tensors[i].buffer();
    }
    return b;
  }

  /** The buffers of the inputs, each contiguous from element 0 (copied when it is a view). */
  private static Buffer[] denseBuffers(Tensor[] tensors) {
    Buffer[] b = new Buffer[tensors.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = Shapes.dense(tensors[i]).buffer();
    }
    return b;
  }

  /**
   * The composite: every step as its own kernel, one tensor per register; returns the outputs, as
   * new tensors (an output that is an input register is copied, so writing the outputs over the
   * inputs in order cannot change one that is still to be written).
   */
  private static Tensor[] stepByStep(
      ElementwiseProgram program, double[] parameters, Tensor[] inputs) {
    Tensor[] r = new Tensor[program.registers()];
    System.arraycopy(inputs, 0, r, 0, inputs.length);
    for (int i = 0; i < program.stepCount(); i++) {
      ElementwiseProgram.Step s = program.step(i);
      r[inputs.length + i] =
          s.unary() != null
              ? unaryRaw(s.unary(), s.a().resolve(parameters), s.b().resolve(parameters), r[s.x()])
              : binaryRaw("fused " + s.binary(), s.binary(), r[s.x()], r[s.y()]);
    }
    Tensor[] out = new Tensor[program.outputCount()];
    for (int j = 0; j < out.length; j++) {
      int o = program.output(j);
      out[j] = o < inputs.length ? Shapes.copy(r[o]) : r[o];
    }
    return out;
  }

  /**
   * Requires that an unrecorded in-place write cannot corrupt a gradient: with gradients recorded,
   * neither the target nor the other operand may require one (the write would be missing from the
   * tape).
   */
  private static void checkInPlace(String op, Tensor target, Tensor other) {
    if (!GradMode.isEnabled()) {
      return;
    }
    if (target.requiresGrad()) {
      throw new IllegalStateException(
          op
              + ": cannot modify a tensor that requires a gradient while gradients are recorded;"
              + " wrap the update in try (var g = GradMode.disable()) { ... }");
    }
    if (other != null && other.requiresGrad()) {
      throw new IllegalStateException(
          op
              + ": the operand requires a gradient, but an in-place update is not recorded on the"
              + " tape; use the out-of-place operation, or wrap the update in"
              + " try (var g = GradMode.disable()) { ... }");
    }
  }
}

package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.ElementwiseProgram.Scalar;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizer;
import dev.heed.core.optim.support.PerGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The update of {@code torch.optim.RMSprop} for one parameter:
 *
 * <pre>
 * g = maximize ? -g : g;  g = g + weight_decay·p
 * v = α·v + (1-α)·g²
 * a = √v + eps, or when centered: ḡ = α·ḡ + (1-α)·g and a = √(v - ḡ²) + eps
 * b = momentum·b + g/a and p = p - lr·b    (momentum &gt; 0)
 * p = p - lr·g/a                         (otherwise)
 * </pre>
 *
 * The whole update is one elementwise program (one pass where the backend fuses it, so a captured
 * training step replays with it), step for step the operations above. Slots: {@code square_avg}
 * (v), {@code momentum_buffer} (b), {@code grad_avg} (ḡ), step count.
 */
final class Rmsprop extends GroupedOptimizer {
  // the program's run-time parameters; a coefficient applied with Ops.scale takes two (the
  // coefficient and the addend that keeps a unit coefficient exact)
  private static final int ALPHA = 0;
  private static final int ONE_MINUS_ALPHA = 2;
  private static final int EPS = 4;
  private static final int RATE = 5;
  private static final int MOMENTUM = 7;
  private static final int DECAY = 9;

  /** What the program's steps depend on: the options that are flags, not numbers. */
  private record Structure(
      boolean maximize, boolean weightDecay, boolean centered, boolean momentum) {}

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double alpha,
      double eps,
      double momentum,
      double weightDecay,
      Structure structure,
      ElementwiseProgram program,
      double[] parameters) {}

  private final Map<Structure, ElementwiseProgram> programs = new HashMap<>();
  private final PerGroup<Settings> settings;

  Rmsprop(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(
        owner, groups, settings, "lr", List.of("square_avg", "momentum_buffer", "grad_avg"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double momentum = options.getDouble("momentum");
    double weightDecay = options.getDouble("weight_decay");
    Structure structure =
        new Structure(
            options.getBoolean("maximize"),
            weightDecay != 0,
            options.getBoolean("centered"),
            momentum > 0);
    ElementwiseProgram program = programs.computeIfAbsent(structure, Rmsprop::program);
    return new Settings(
        options.getDouble("alpha"),
        options.getDouble("eps"),
        momentum,
        weightDecay,
        structure,
        program,
        new double[program.parameters()]);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    Structure c = s.structure();
    Tensor p = parameter.value();
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    List<Tensor> in = new ArrayList<>();
    in.add(p);
    in.add(parameter.grad());
    List<Tensor> out = new ArrayList<>(List.of(p));
    Tensor v = slot(name, "square_avg", () -> Tensors.zerosLike(p));
    in.add(v);
    out.add(v);
    if (c.centered()) {
      Tensor mean = slot(name, "grad_avg", () -> Tensors.zerosLike(p));
      in.add(mean);
      out.add(mean);
    }
    if (c.momentum()) {
      Tensor b = slot(name, "momentum_buffer", () -> Tensors.zerosLike(p));
      in.add(b);
      out.add(b);
    }
    double[] x = s.parameters();
    Ops.scale(x, ALPHA, s.alpha());
    Ops.scale(x, ONE_MINUS_ALPHA, 1 - s.alpha());
    x[EPS] = s.eps();
    Ops.scale(x, RATE, -lr);
    if (c.momentum()) {
      Ops.scale(x, MOMENTUM, s.momentum());
    }
    if (c.weightDecay()) {
      Ops.scale(x, DECAY, s.weightDecay());
    }
    Elementwise.fusedInto(s.program(), x, in.toArray(Tensor[]::new), out.toArray(Tensor[]::new));
  }

  /**
   * The update as one chain. Inputs p, g, v, then ḡ (centered) and b (momentum); outputs p, v, then
   * ḡ and b. Each product is {@link Ops#scale} (a unit coefficient exact, as the separate kernels
   * skip it), {@code √v + eps} the affine step {@code 1·a + eps} that {@code Elementwise.affine}
   * computes.
   */
  private static ElementwiseProgram program(Structure c) {
    int inputs = 3 + (c.centered() ? 1 : 0) + (c.momentum() ? 1 : 0);
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(inputs);
    int rg = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (c.weightDecay()) {
      rg = Ops.l2(b, rg, DECAY);
    }
    int rv = Ops.blend(b, 2, ALPHA, b.unary(UnaryOp.SQUARE, rg), ONE_MINUS_ALPHA);
    int rm = -1;
    int avg;
    if (c.centered()) {
      rm = Ops.blend(b, 3, ALPHA, rg, ONE_MINUS_ALPHA);
      avg = b.unary(UnaryOp.SQRT, b.binary(BinaryOp.SUB, rv, b.unary(UnaryOp.SQUARE, rm)));
    } else {
      avg = b.unary(UnaryOp.SQRT, rv);
    }
    avg = b.affine(avg, Scalar.constant(1), Scalar.parameter(EPS));
    int q = b.binary(BinaryOp.DIV, rg, avg);
    int rb = -1;
    int step = q;
    if (c.momentum()) {
      rb = b.binary(BinaryOp.ADD, Ops.scale(b, inputs - 1, MOMENTUM), q);
      step = rb;
    }
    b.output(b.binary(BinaryOp.ADD, 0, Ops.scale(b, step, RATE))).output(rv);
    if (c.centered()) {
      b.output(rm);
    }
    if (c.momentum()) {
      b.output(rb);
    }
    return b.build();
  }
}

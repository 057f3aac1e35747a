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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The update of {@code torch.optim.Adam} (and, with decoupled weight decay, {@code
 * torch.optim.AdamW}) for one parameter {@code p} with gradient {@code g} at step {@code t}:
 *
 * <pre>
 * g = maximize ? -g : g
 * p = p·(1 - lr·weight_decay)               (AdamW)
 * g = g + weight_decay·p                    (Adam, when weight_decay ≠ 0)
 * m = β1·m + (1-β1)·g
 * v = β2·v + (1-β2)·g²
 * v̂max = max(v̂max, v)                       (amsgrad; then used in place of v below)
 * p = p - lr/(1-β1^t) · m / (√v / √(1-β2^t) + eps)
 * </pre>
 *
 * Slots: {@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq} (amsgrad) and the step count.
 */
final class Adam extends GroupedOptimizer {
  // The run-time parameters of the update program. A coefficient applied with Ops.scale takes two
  // (the coefficient and the addend that keeps a unit coefficient exact); the weight decay's come
  // last and only in programs with weight decay.
  private static final int BETA1 = 0;
  private static final int ONE_MINUS_BETA1 = 2;
  private static final int BETA2 = 4;
  private static final int ONE_MINUS_BETA2 = 6;
  private static final int RATE = 8;
  private static final int INVERSE_SQRT_BIAS2 = 10;
  private static final int EPS = 11;
  private static final int DECAY = 12;

  /** What the program's steps depend on: its options that are flags, not numbers. */
  private record Structure(boolean amsgrad, boolean maximize, boolean weightDecay) {}

  /**
   * A group's settings, read once from its options, and its program with a buffer for the program's
   * run-time parameters, refilled for every update (each run takes a copy).
   */
  private record Settings(
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      boolean amsgrad,
      ElementwiseProgram program,
      double[] parameters) {}

  private final boolean decoupled;

  /** The programs built, one per structure, shared by the groups of that structure. */
  private final Map<Structure, ElementwiseProgram> programs = new HashMap<>();

  private final PerGroup<Settings> settings;

  Adam(String owner, List<ParameterGroup> groups, List<Options> settings, boolean decoupled) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq"), true);
    this.decoupled = decoupled;
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double[] betas = Pairs.betas("", options.getNumbers("betas"));
    double weightDecay = options.getDouble("weight_decay");
    boolean amsgrad = options.getBoolean("amsgrad");
    Structure structure = new Structure(amsgrad, options.getBoolean("maximize"), weightDecay != 0);
    ElementwiseProgram program = programs.computeIfAbsent(structure, this::program);
    return new Settings(
        betas[0],
        betas[1],
        options.getDouble("eps"),
        weightDecay,
        amsgrad,
        program,
        new double[program.parameters()]);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    long t = stepCount(name);

    Tensor p = parameter.value();
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor v = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
    Tensor max = s.amsgrad() ? slot(name, "max_exp_avg_sq", () -> Tensors.zerosLike(p)) : null;
    double bias1 = 1 - Math.pow(s.beta1(), t);
    double bias2 = 1 - Math.pow(s.beta2(), t);

    double[] x = s.parameters();
    Ops.scale(x, BETA1, s.beta1());
    Ops.scale(x, ONE_MINUS_BETA1, 1 - s.beta1());
    Ops.scale(x, BETA2, s.beta2());
    Ops.scale(x, ONE_MINUS_BETA2, 1 - s.beta2());
    Ops.scale(x, RATE, -lr / bias1);
    x[INVERSE_SQRT_BIAS2] = 1 / Math.sqrt(bias2);
    x[EPS] = s.eps();
    if (s.weightDecay() != 0) {
      Ops.scale(x, DECAY, decoupled ? 1 - lr * s.weightDecay() : s.weightDecay());
    }
    Tensor g = parameter.grad();
    if (s.amsgrad()) {
      Elementwise.fusedInto(s.program(), x, new Tensor[] {p, g, m, v, max}, p, m, v, max);
    } else {
      Elementwise.fusedInto(s.program(), x, new Tensor[] {p, g, m, v}, p, m, v);
    }
  }

  /**
   * The whole update as one elementwise chain (one pass over p, g, m, v when the backend fuses it),
   * step for step the operations of the formula above, with every number a run-time parameter.
   * Inputs p, g, m, v (and the running maximum with amsgrad); outputs p, m, v (and the maximum).
   * Without weight decay, AdamW's factor {@code 1 - lr·0} is 1 and its step is left out.
   */
  private ElementwiseProgram program(Structure c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(c.amsgrad() ? 5 : 4);
    int rp = 0;
    int rg = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (c.weightDecay()) {
      if (decoupled) {
        rp = Ops.scale(b, rp, DECAY);
      } else {
        rg = Ops.l2(b, rg, DECAY);
      }
    }
    int rm = Ops.blend(b, 2, BETA1, rg, ONE_MINUS_BETA1);
    int rv = Ops.blend(b, 3, BETA2, b.unary(UnaryOp.SQUARE, rg), ONE_MINUS_BETA2);
    int second = c.amsgrad() ? b.binary(BinaryOp.MAX, 4, rv) : rv;
    int denom =
        b.affine(
            b.unary(UnaryOp.SQRT, second),
            Scalar.parameter(INVERSE_SQRT_BIAS2),
            Scalar.parameter(EPS));
    int step = Ops.scale(b, b.binary(BinaryOp.DIV, rm, denom), RATE);
    b.output(b.binary(BinaryOp.ADD, rp, step)).output(rm).output(rv);
    if (c.amsgrad()) {
      b.output(second);
    }
    return b.build();
  }
}

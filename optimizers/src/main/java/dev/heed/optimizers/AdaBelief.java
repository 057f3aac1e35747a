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
 * AdaBelief, Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed
 * Gradients", Algorithm 2, for one parameter at step {@code t}:
 *
 * <pre>
 * g = maximize ? -g : g
 * p = p·(1 - lr·weight_decay)       (weight_decouple)  or  g = g + weight_decay·p  (otherwise)
 * m = β1·m + (1-β1)·g
 * s = β2·s + (1-β2)·(g - m)² + eps
 * p = p - lr/(1-β1^t) · m / (√s / √(1-β2^t) + eps)
 * </pre>
 *
 * The whole update is one elementwise program (one pass where the backend fuses it, so a captured
 * training step replays with it), step for step the operations above; the rate, the decay factor
 * and the bias corrections are run-time parameters. Slots: {@code exp_avg} (m), {@code exp_avg_var}
 * (s) and the step count.
 */
final class AdaBelief extends GroupedOptimizer {
  // the program's run-time parameters; a coefficient applied with Ops.scale takes two
  private static final int BETA1 = 0;
  private static final int ONE_MINUS_BETA1 = 2;
  private static final int BETA2 = 4;
  private static final int ONE_MINUS_BETA2 = 6;
  private static final int EPS = 8;
  private static final int INVERSE_SQRT_BIAS2 = 9;
  private static final int RATE = 10;
  private static final int DECAY = 12;

  /** What the program's steps depend on: the options that are flags, not numbers. */
  private record Structure(boolean maximize, boolean weightDecay, boolean decoupled) {}

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      Structure structure,
      ElementwiseProgram program,
      double[] parameters) {}

  private final Map<Structure, ElementwiseProgram> programs = new HashMap<>();
  private final PerGroup<Settings> settings;

  AdaBelief(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_var"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double[] betas = Pairs.betas("", options.getNumbers("betas"));
    double weightDecay = options.getDouble("weight_decay");
    Structure structure =
        new Structure(
            options.getBoolean("maximize"),
            weightDecay != 0,
            weightDecay != 0 && options.getBoolean("weight_decouple"));
    ElementwiseProgram program = programs.computeIfAbsent(structure, AdaBelief::program);
    return new Settings(
        betas[0],
        betas[1],
        options.getDouble("eps"),
        weightDecay,
        structure,
        program,
        new double[program.parameters()]);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    long t = stepCount(name);
    Tensor p = parameter.value();
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor var = slot(name, "exp_avg_var", () -> Tensors.zerosLike(p));
    double bias1 = 1 - Math.pow(s.beta1(), t);
    double bias2 = 1 - Math.pow(s.beta2(), t);
    double[] x = s.parameters();
    Ops.scale(x, BETA1, s.beta1());
    Ops.scale(x, ONE_MINUS_BETA1, 1 - s.beta1());
    Ops.scale(x, BETA2, s.beta2());
    Ops.scale(x, ONE_MINUS_BETA2, 1 - s.beta2());
    x[EPS] = s.eps();
    x[INVERSE_SQRT_BIAS2] = 1 / Math.sqrt(bias2);
    Ops.scale(x, RATE, -lr / bias1);
    if (s.weightDecay() != 0) {
      Ops.scale(x, DECAY, s.structure().decoupled() ? 1 - lr * s.weightDecay() : s.weightDecay());
    }
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    Elementwise.fusedInto(s.program(), x, new Tensor[] {p, parameter.grad(), m, var}, p, m, var);
  }

  /**
   * The update as one chain. Inputs p, g, m, s; outputs p, m, s. {@code s + eps} is the affine step
   * {@code 1·s + eps} and the denominator the step {@code √s·(1/√(1-β2^t)) + eps}, as the separate
   * kernels computed them. Without weight decay the decoupled factor {@code 1 - lr·0} is 1 and its
   * step is left out.
   */
  private static ElementwiseProgram program(Structure c) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(4);
    int rp = 0;
    int rg = c.maximize() ? b.unary(UnaryOp.NEG, 1) : 1;
    if (c.weightDecay()) {
      if (c.decoupled()) {
        rp = Ops.scale(b, rp, DECAY);
      } else {
        rg = Ops.l2(b, rg, DECAY);
      }
    }
    int rm = Ops.blend(b, 2, BETA1, rg, ONE_MINUS_BETA1);
    int belief = b.unary(UnaryOp.SQUARE, b.binary(BinaryOp.SUB, rg, rm));
    int rs =
        b.affine(
            Ops.blend(b, 3, BETA2, belief, ONE_MINUS_BETA2),
            Scalar.constant(1),
            Scalar.parameter(EPS));
    int denom =
        b.affine(
            b.unary(UnaryOp.SQRT, rs), Scalar.parameter(INVERSE_SQRT_BIAS2), Scalar.parameter(EPS));
    int step = Ops.scale(b, b.binary(BinaryOp.DIV, rm, denom), RATE);
    return b.output(b.binary(BinaryOp.ADD, rp, step)).output(rm).output(rs).build();
  }
}

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
 * The update of {@code torch.optim.RAdam} for one parameter at step {@code t}:
 *
 * <pre>
 * g = g + weight_decay·p
 * m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  m̂ = m/(1-β1^t)
 * ρ∞ = 2/(1-β2) - 1;  ρ_t = ρ∞ - 2t·β2^t/(1-β2^t)
 * ρ_t &gt; 5:  r = √((ρ_t-4)(ρ_t-2)ρ∞ / ((ρ∞-4)(ρ∞-2)ρ_t));  p = p - lr·m̂·r·√(1-β2^t)/(√v + eps)
 * else:     p = p - lr·m̂
 * </pre>
 *
 * The whole update is one elementwise program (one pass where the backend fuses it, so a captured
 * training step replays with it), step for step the operations above, and the same program in both
 * regimes: the choice, made on the host from {@code t}, only sets run-time parameters. The factor
 * {@code a = √(1-β2^t)/(√v + eps)} is taken as {@code 1·a + (-0)} (itself) while ρ_t &gt; 5 and as
 * {@code 0·a + 1} (exactly 1) before, with 1 in place of eps and of {@code √(1-β2^t)} so that
 * {@code a} is finite; then {@code m̂·a} is {@code m̂} and the rate is {@code -lr·r} or {@code
 * -lr}. (Where {@code v} is NaN, as it only becomes with β2 = 0 after an infinite gradient, the
 * factor is NaN where the formula above ignores it; the parameter is already infinite there.)
 * Slots: {@code exp_avg}, {@code exp_avg_sq} and the step count.
 */
final class Radam extends GroupedOptimizer {
  // the program's run-time parameters; a coefficient applied with Ops.scale takes two
  private static final int BETA1 = 0;
  private static final int ONE_MINUS_BETA1 = 2;
  private static final int BETA2 = 4;
  private static final int ONE_MINUS_BETA2 = 6;
  private static final int INVERSE_BIAS1 = 8;
  private static final int SQRT_BIAS2 = 10;
  private static final int EPS = 11;
  private static final int SELECT = 12;
  private static final int RATE = 14;
  private static final int DECAY = 16;

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      ElementwiseProgram program,
      double[] parameters) {}

  /** The programs built: without weight decay (false) and with it (true). */
  private final Map<Boolean, ElementwiseProgram> programs = new HashMap<>();

  private final PerGroup<Settings> settings;

  Radam(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double[] betas = Pairs.betas("", options.getNumbers("betas"));
    double weightDecay = options.getDouble("weight_decay");
    ElementwiseProgram program = programs.computeIfAbsent(weightDecay != 0, Radam::program);
    return new Settings(
        betas[0],
        betas[1],
        options.getDouble("eps"),
        weightDecay,
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
    double beta2 = s.beta2();
    double bias1 = 1 - Math.pow(s.beta1(), t);
    double bias2 = 1 - Math.pow(beta2, t);
    double rhoInf = 2 / (1 - beta2) - 1;
    double rhoT = rhoInf - 2 * t * Math.pow(beta2, t) / bias2;
    double[] x = s.parameters();
    Ops.scale(x, BETA1, s.beta1());
    Ops.scale(x, ONE_MINUS_BETA1, 1 - s.beta1());
    Ops.scale(x, BETA2, beta2);
    Ops.scale(x, ONE_MINUS_BETA2, 1 - beta2);
    Ops.scale(x, INVERSE_BIAS1, 1 / bias1);
    if (rhoT > 5.) {
      double rect =
          Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      x[SQRT_BIAS2] = Math.sqrt(bias2);
      x[EPS] = s.eps();
      Ops.scale(x, SELECT, 1);
      Ops.scale(x, RATE, -lr * rect);
    } else {
      x[SQRT_BIAS2] = 1;
      x[EPS] = 1;
      x[SELECT] = 0;
      x[SELECT + 1] = 1;
      Ops.scale(x, RATE, -lr);
    }
    if (s.weightDecay() != 0) {
      Ops.scale(x, DECAY, s.weightDecay());
    }
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    Elementwise.fusedInto(s.program(), x, new Tensor[] {p, parameter.grad(), m, v}, p, m, v);
  }

  /**
   * The update as one chain. Inputs p, g, m, v; outputs p, m, v. The constant {@code √(1-β2^t)} is
   * the register {@code 0·k + c} of the 0/1 mask {@code k = [v > 0]}, which is c everywhere; {@code
   * √v + eps} is the affine step {@code 1·√v + eps}. Every step has a vector kernel on simd.
   */
  private static ElementwiseProgram program(boolean weightDecay) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(4);
    int rg = 1;
    if (weightDecay) {
      rg = Ops.l2(b, rg, DECAY);
    }
    int rm = Ops.blend(b, 2, BETA1, rg, ONE_MINUS_BETA1);
    int rv = Ops.blend(b, 3, BETA2, b.unary(UnaryOp.SQUARE, rg), ONE_MINUS_BETA2);
    int corrected = Ops.scale(b, rm, INVERSE_BIAS1);
    int numerator =
        b.affine(b.unary(UnaryOp.STEP, 0, 0, rv), Scalar.constant(0), Scalar.parameter(SQRT_BIAS2));
    int denom = b.affine(b.unary(UnaryOp.SQRT, rv), Scalar.constant(1), Scalar.parameter(EPS));
    int adaptive = Ops.scale(b, b.binary(BinaryOp.DIV, numerator, denom), SELECT);
    int step = Ops.scale(b, b.binary(BinaryOp.MUL, corrected, adaptive), RATE);
    return b.output(b.binary(BinaryOp.ADD, 0, step)).output(rm).output(rv).build();
  }
}

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
 * The update of {@code torch.optim.NAdam} for one parameter at step {@code t}:
 *
 * <pre>
 * g = g + weight_decay·p
 * μ_t = β1·(1 - ½·0.96^(t·ψ)),  μ_{t+1} likewise,  Π_t = μ_1···μ_t      (ψ = momentum_decay)
 * m = β1·m + (1-β1)·g
 * v = β2·v + (1-β2)·g²
 * d = √(v / (1-β2^t)) + eps
 * p = p - lr·(1-μ_t)/(1-Π_t) · g/d - lr·μ_{t+1}/(1-Π_t·μ_t·μ_{t+1}) · m/d
 * </pre>
 *
 * <p>The last denominator is PyTorch 1.13's, which multiplies μ_t in a second time (Dozat's paper
 * has {@code 1-Π_t·μ_{t+1}}); Heed keeps PyTorch 1.13's numbers.
 *
 * <p>The whole update is one elementwise program (one pass where the backend fuses it, so a
 * captured training step replays with it), step for step the operations above; the two rates and
 * the bias correction are run-time parameters.
 *
 * <p>Slots: {@code exp_avg}, {@code exp_avg_sq} and the step count; the product {@code Π_t}
 * (PyTorch's {@code mu_product}) is recomputed from the step count, so it resumes exactly.
 */
final class Nadam extends GroupedOptimizer {
  // the program's run-time parameters; a coefficient applied with Ops.scale takes two
  private static final int BETA1 = 0;
  private static final int ONE_MINUS_BETA1 = 2;
  private static final int BETA2 = 4;
  private static final int ONE_MINUS_BETA2 = 6;
  private static final int INVERSE_BIAS2 = 8;
  private static final int EPS = 9;
  private static final int GRADIENT_RATE = 10;
  private static final int MOMENTUM_RATE = 12;
  private static final int DECAY = 14;

  /** Π_t by parameter, and the step it belongs to. */
  private final Map<String, double[]> products = new HashMap<>();

  /** A group's settings, read once, and its program with a buffer for its parameters. */
  private record Settings(
      double[] betas,
      double momentumDecay,
      double eps,
      double weightDecay,
      ElementwiseProgram program,
      double[] parameters) {}

  /** The programs built: without weight decay (false) and with it (true). */
  private final Map<Boolean, ElementwiseProgram> programs = new HashMap<>();

  private final PerGroup<Settings> settings;

  Nadam(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq"), true);
    this.settings = new PerGroup<>(settings, this::read);
  }

  private Settings read(Options options) {
    double weightDecay = options.getDouble("weight_decay");
    ElementwiseProgram program = programs.computeIfAbsent(weightDecay != 0, Nadam::program);
    return new Settings(
        Pairs.betas("", options.getNumbers("betas")),
        options.getDouble("momentum_decay"),
        options.getDouble("eps"),
        weightDecay,
        program,
        new double[program.parameters()]);
  }

  private static double mu(double beta1, double decay, long t) {
    return beta1 * (1. - 0.5 * Math.pow(0.96, t * decay));
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Settings s = settings.get(options);
    double[] betas = s.betas();
    double decay = s.momentumDecay();
    long t = stepCount(name);
    Tensor p = parameter.value();

    double mu = mu(betas[0], decay, t);
    double muNext = mu(betas[0], decay, t + 1);
    double[] cached = products.get(name);
    double product;
    if (cached != null && cached[1] == t - 1) {
      product = cached[0] * mu;
    } else {
      product = 1;
      for (long i = 1; i <= t; i++) {
        product *= mu(betas[0], decay, i);
      }
    }
    products.put(name, new double[] {product, t});
    // PyTorch 1.13 multiplies μ_t in twice here (mu_product already holds it); kept for parity
    double productNext = product * mu * muNext;

    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor v = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
    double[] x = s.parameters();
    Ops.scale(x, BETA1, betas[0]);
    Ops.scale(x, ONE_MINUS_BETA1, 1 - betas[0]);
    Ops.scale(x, BETA2, betas[1]);
    Ops.scale(x, ONE_MINUS_BETA2, 1 - betas[1]);
    x[INVERSE_BIAS2] = 1 / (1 - Math.pow(betas[1], t));
    x[EPS] = s.eps();
    Ops.scale(x, GRADIENT_RATE, -lr * (1. - mu) / (1. - product));
    Ops.scale(x, MOMENTUM_RATE, -lr * muNext / (1. - productNext));
    if (s.weightDecay() != 0) {
      Ops.scale(x, DECAY, s.weightDecay());
    }
    // the gradient is null only in a replayed step's host pass, where the plan holds it
    Elementwise.fusedInto(s.program(), x, new Tensor[] {p, parameter.grad(), m, v}, p, m, v);
  }

  /**
   * The update as one chain, step for step the separate kernels' operations. Inputs p, g, m, v;
   * outputs p, m, v. {@code v/(1-β2^t)} is the affine step {@code v·(1/(1-β2^t)) + 0} and {@code √·
   * + eps} the step {@code 1·√· + eps}, as {@code Elementwise.affine} computes them; the two terms
   * are added to p one after the other.
   */
  private static ElementwiseProgram program(boolean weightDecay) {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(4);
    int rg = 1;
    if (weightDecay) {
      rg = Ops.l2(b, rg, DECAY);
    }
    int rm = Ops.blend(b, 2, BETA1, rg, ONE_MINUS_BETA1);
    int rv = Ops.blend(b, 3, BETA2, b.unary(UnaryOp.SQUARE, rg), ONE_MINUS_BETA2);
    int corrected = b.affine(rv, Scalar.parameter(INVERSE_BIAS2), Scalar.constant(0));
    int denom =
        b.affine(b.unary(UnaryOp.SQRT, corrected), Scalar.constant(1), Scalar.parameter(EPS));
    int rp =
        b.binary(BinaryOp.ADD, 0, Ops.scale(b, b.binary(BinaryOp.DIV, rg, denom), GRADIENT_RATE));
    rp = b.binary(BinaryOp.ADD, rp, Ops.scale(b, b.binary(BinaryOp.DIV, rm, denom), MOMENTUM_RATE));
    return b.output(rp).output(rm).output(rv).build();
  }
}

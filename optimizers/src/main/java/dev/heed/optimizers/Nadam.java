package dev.heed.optimizers;

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
 * <p>Slots: {@code exp_avg}, {@code exp_avg_sq} and the step count; the product {@code Π_t}
 * (PyTorch's {@code mu_product}) is recomputed from the step count, so it resumes exactly.
 */
final class Nadam extends GroupedOptimizer {
  /** Π_t by parameter, and the step it belongs to. */
  private final Map<String, double[]> products = new HashMap<>();

  /** The betas of each group, parsed once. */
  private final PerGroup<double[]> betas;

  Nadam(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq"), true);
    this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
  }

  private static double mu(double beta1, double decay, long t) {
    return beta1 * (1. - 0.5 * Math.pow(0.96, t * decay));
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double[] betas = this.betas.get(options);
    double decay = options.getDouble("momentum_decay");
    long t = stepCount(name);
    Tensor p = parameter.value();
    Tensor g = Ops.l2(parameter.grad(), p, options.getDouble("weight_decay"));

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
    Ops.blend(m, betas[0], g, 1 - betas[0]);
    Ops.blend(v, betas[1], Elementwise.square(g), 1 - betas[1]);
    double bias2 = 1 - Math.pow(betas[1], t);
    Tensor denom =
        Elementwise.affine(
            Elementwise.sqrt(Elementwise.affine(v, 1 / bias2, 0)), 1, options.getDouble("eps"));
    Ops.addScaled(p, Elementwise.div(g, denom), -lr * (1. - mu) / (1. - product));
    Ops.addScaled(p, Elementwise.div(m, denom), -lr * muNext / (1. - productNext));
  }
}

package dev.heed.optimizers;

import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizer;
import dev.heed.core.optim.support.PerGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;

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
 * Slots: {@code exp_avg} (m), {@code exp_avg_var} (s) and the step count.
 */
final class AdaBelief extends GroupedOptimizer {
  /** The betas of each group, parsed once. */
  private final PerGroup<double[]> betas;

  AdaBelief(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_var"), true);
    this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double[] betas = this.betas.get(options);
    double eps = options.getDouble("eps");
    double weightDecay = options.getDouble("weight_decay");
    long t = stepCount(name);
    Tensor p = parameter.value();
    Tensor g = Ops.gradient(parameter, options.getBoolean("maximize"));
    if (options.getBoolean("weight_decouple")) {
      Ops.scaleInPlace(p, 1 - lr * weightDecay);
    } else {
      g = Ops.l2(g, p, weightDecay);
    }
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor s = slot(name, "exp_avg_var", () -> Tensors.zerosLike(p));
    Ops.blend(m, betas[0], g, 1 - betas[0]);
    Ops.blend(s, betas[1], Elementwise.square(Elementwise.sub(g, m)), 1 - betas[1]);
    Elementwise.applyInPlace(dev.heed.core.backend.UnaryOp.AFFINE, 1, eps, s);
    double bias1 = 1 - Math.pow(betas[0], t);
    double bias2 = 1 - Math.pow(betas[1], t);
    Tensor denom = Elementwise.affine(Elementwise.sqrt(s), 1 / Math.sqrt(bias2), eps);
    Ops.addScaled(p, Elementwise.div(m, denom), -lr / bias1);
  }
}

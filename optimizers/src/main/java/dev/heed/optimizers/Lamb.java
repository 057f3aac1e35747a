package dev.heed.optimizers;

import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizer;
import dev.heed.core.optim.support.PerGroup;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;

/**
 * LAMB, You et al. 2019, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes",
 * Algorithm 2 (φ the identity), for one parameter tensor (a "layer") at step {@code t}:
 *
 * <pre>
 * g = maximize ? -g : g
 * m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
 * r = (m/(1-β1^t)) / (√(v/(1-β2^t)) + eps)
 * u = r + weight_decay·p
 * p = p - lr·(‖p‖/‖u‖)·u       (the trust ratio is 1 when either norm is 0)
 * </pre>
 *
 * The norms and the trust ratio stay on the device. Slots: {@code exp_avg}, {@code exp_avg_sq} and
 * the step count.
 */
final class Lamb extends GroupedOptimizer {
  /** The betas of each group, parsed once. */
  private final PerGroup<double[]> betas;

  Lamb(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq"), true);
    this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double[] betas = this.betas.get(options);
    long t = stepCount(name);
    Tensor p = parameter.value();
    Tensor g = Ops.gradient(parameter, options.getBoolean("maximize"));
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor v = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
    Ops.blend(m, betas[0], g, 1 - betas[0]);
    Ops.blend(v, betas[1], Elementwise.square(g), 1 - betas[1]);
    double bias1 = 1 - Math.pow(betas[0], t);
    double bias2 = 1 - Math.pow(betas[1], t);
    Tensor ratio =
        Elementwise.div(
            Ops.scale(m, 1 / bias1),
            Elementwise.affine(
                Elementwise.sqrt(Ops.scale(v, 1 / bias2)), 1, options.getDouble("eps")));
    Tensor u = Ops.l2(ratio, p, options.getDouble("weight_decay"));
    Tensor normP = Elementwise.sqrt(Reductions.sum(Elementwise.square(p)));
    Tensor normU = Elementwise.sqrt(Reductions.sum(Elementwise.square(u)));
    Tensor zero = Tensors.scalar(p.backend(), p.dtype(), 0);
    Tensor both =
        Elementwise.mul(Elementwise.greater(normP, zero), Elementwise.greater(normU, zero));
    Tensor trust =
        Elementwise.where(
            both, Elementwise.div(normP, normU), Tensors.scalar(p.backend(), p.dtype(), 1));
    Elementwise.addInPlace(p, Elementwise.mul(u, Elementwise.affine(trust, -lr, 0)));
  }
}

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
 * Slots: {@code exp_avg}, {@code exp_avg_sq} and the step count.
 */
final class Radam extends GroupedOptimizer {
  /** The betas of each group, parsed once. */
  private final PerGroup<double[]> betas;

  Radam(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_avg_sq"), true);
    this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double[] betas = this.betas.get(options);
    long t = stepCount(name);
    Tensor p = parameter.value();
    Tensor g = Ops.l2(parameter.grad(), p, options.getDouble("weight_decay"));
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor v = slot(name, "exp_avg_sq", () -> Tensors.zerosLike(p));
    Ops.blend(m, betas[0], g, 1 - betas[0]);
    Ops.blend(v, betas[1], Elementwise.square(g), 1 - betas[1]);
    double bias1 = 1 - Math.pow(betas[0], t);
    double bias2 = 1 - Math.pow(betas[1], t);
    double rhoInf = 2 / (1 - betas[1]) - 1;
    double rhoT = rhoInf - 2 * t * Math.pow(betas[1], t) / bias2;
    Tensor corrected = Ops.scale(m, 1 / bias1);
    if (rhoT > 5.) {
      double rect =
          Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
      Tensor adaptive =
          Elementwise.div(
              Tensors.scalar(p.backend(), p.dtype(), Math.sqrt(bias2)),
              Elementwise.affine(Elementwise.sqrt(v), 1, options.getDouble("eps")));
      Ops.addScaled(p, Elementwise.mul(corrected, adaptive), -lr * rect);
    } else {
      Ops.addScaled(p, corrected, -lr);
    }
  }
}

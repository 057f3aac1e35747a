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
 * Lion, Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2:
 *
 * <pre>
 * g = maximize ? -g : g
 * c = β1·m + (1-β1)·g
 * p = p·(1 - lr·weight_decay) - lr·sign(c)
 * m = β2·m + (1-β2)·g
 * </pre>
 *
 * Slots: {@code exp_avg} (m) and the step count.
 */
final class Lion extends GroupedOptimizer {
  /** The betas of each group, parsed once. */
  private final PerGroup<double[]> betas;

  Lion(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg"), true);
    this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double[] betas = this.betas.get(options);
    Tensor p = parameter.value();
    Tensor g = Ops.gradient(parameter, options.getBoolean("maximize"));
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor c = Elementwise.add(Ops.scale(m, betas[0]), Ops.scale(g, 1 - betas[0]));
    Ops.scaleInPlace(p, 1 - lr * options.getDouble("weight_decay"));
    Ops.addScaled(p, Elementwise.sign(c), -lr);
    Ops.blend(m, betas[1], g, 1 - betas[1]);
  }
}

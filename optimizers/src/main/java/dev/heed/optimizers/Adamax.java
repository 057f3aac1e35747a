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
 * The update of {@code torch.optim.Adamax} for one parameter at step {@code t}:
 *
 * <pre>
 * g = maximize ? -g : g;  g = g + weight_decay·p
 * m = β1·m + (1-β1)·g
 * u = max(β2·u, |g| + eps)
 * p = p - lr/(1-β1^t) · m/u
 * </pre>
 *
 * Slots: {@code exp_avg} (m), {@code exp_inf} (u) and the step count.
 */
final class Adamax extends GroupedOptimizer {
  /** The betas of each group, parsed once. */
  private final PerGroup<double[]> betas;

  Adamax(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("exp_avg", "exp_inf"), true);
    this.betas = new PerGroup<>(settings, o -> Pairs.betas("", o.getNumbers("betas")));
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double[] betas = this.betas.get(options);
    Tensor p = parameter.value();
    Tensor g =
        Ops.l2(
            Ops.gradient(parameter, options.getBoolean("maximize")),
            p,
            options.getDouble("weight_decay"));
    Tensor m = slot(name, "exp_avg", () -> Tensors.zerosLike(p));
    Tensor u = slot(name, "exp_inf", () -> Tensors.zerosLike(p));
    Ops.blend(m, betas[0], g, 1 - betas[0]);
    Ops.scaleInPlace(u, betas[1]);
    Tensor bound = Elementwise.affine(Elementwise.abs(g), 1, options.getDouble("eps"));
    Elementwise.assign(u, Elementwise.maximum(u, bound));
    double clr = lr / (1 - Math.pow(betas[0], stepCount(name)));
    Ops.addScaled(p, Elementwise.div(m, u), -clr);
  }
}

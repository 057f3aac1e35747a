package dev.heed.optimizers;

import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizer;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;

/**
 * The update of {@code torch.optim.Adadelta} for one parameter:
 *
 * <pre>
 * g = maximize ? -g : g;  g = g + weight_decay·p
 * v = ρ·v + (1-ρ)·g²
 * δ = √(u + eps) / √(v + eps) · g
 * u = ρ·u + (1-ρ)·δ²
 * p = p - lr·δ
 * </pre>
 *
 * Slots: {@code square_avg} (v), {@code acc_delta} (u) and the step count.
 */
final class Adadelta extends GroupedOptimizer {
  Adadelta(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("square_avg", "acc_delta"), true);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double rho = options.getDouble("rho");
    double eps = options.getDouble("eps");
    Tensor p = parameter.value();
    Tensor g =
        Ops.l2(
            Ops.gradient(parameter, options.getBoolean("maximize")),
            p,
            options.getDouble("weight_decay"));
    Tensor v = slot(name, "square_avg", () -> Tensors.zerosLike(p));
    Tensor u = slot(name, "acc_delta", () -> Tensors.zerosLike(p));
    Ops.blend(v, rho, Elementwise.square(g), 1 - rho);
    Tensor std = Elementwise.sqrt(Elementwise.affine(v, 1, eps));
    Tensor delta =
        Elementwise.mul(Elementwise.div(Elementwise.sqrt(Elementwise.affine(u, 1, eps)), std), g);
    Ops.blend(u, rho, Elementwise.square(delta), 1 - rho);
    Ops.addScaled(p, delta, -lr);
  }
}

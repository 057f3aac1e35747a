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
 * The update of {@code torch.optim.Adagrad} for one parameter at step {@code t}:
 *
 * <pre>
 * g = maximize ? -g : g;  g = g + weight_decay·p
 * clr = lr / (1 + (t-1)·lr_decay)
 * sum = sum + g²                  (sum starts at initial_accumulator_value)
 * p = p - clr · g / (√sum + eps)
 * </pre>
 */
final class Adagrad extends GroupedOptimizer {
  Adagrad(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("sum"), true);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    Tensor p = parameter.value();
    Tensor g =
        Ops.l2(
            Ops.gradient(parameter, options.getBoolean("maximize")),
            p,
            options.getDouble("weight_decay"));
    double initial = options.getDouble("initial_accumulator_value");
    double clr = lr / (1 + (stepCount(name) - 1) * options.getDouble("lr_decay"));
    Tensor sum = slot(name, "sum", () -> Tensors.full(p.backend(), p.shape(), p.dtype(), initial));
    Elementwise.addInPlace(sum, Elementwise.square(g));
    Tensor std = Elementwise.affine(Elementwise.sqrt(sum), 1, options.getDouble("eps"));
    Ops.addScaled(p, Elementwise.div(g, std), -clr);
  }
}

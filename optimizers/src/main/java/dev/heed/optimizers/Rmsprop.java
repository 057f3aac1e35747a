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
 * The update of {@code torch.optim.RMSprop} for one parameter:
 *
 * <pre>
 * g = maximize ? -g : g;  g = g + weight_decay·p
 * v = α·v + (1-α)·g²
 * a = √v + eps, or when centered: ḡ = α·ḡ + (1-α)·g and a = √(v - ḡ²) + eps
 * b = momentum·b + g/a and p = p - lr·b    (momentum &gt; 0)
 * p = p - lr·g/a                         (otherwise)
 * </pre>
 *
 * Slots: {@code square_avg} (v), {@code momentum_buffer} (b), {@code grad_avg} (ḡ), step count.
 */
final class Rmsprop extends GroupedOptimizer {
  Rmsprop(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(
        owner, groups, settings, "lr", List.of("square_avg", "momentum_buffer", "grad_avg"), true);
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double alpha = options.getDouble("alpha");
    double momentum = options.getDouble("momentum");
    Tensor p = parameter.value();
    Tensor g =
        Ops.l2(
            Ops.gradient(parameter, options.getBoolean("maximize")),
            p,
            options.getDouble("weight_decay"));
    Tensor v = slot(name, "square_avg", () -> Tensors.zerosLike(p));
    Ops.blend(v, alpha, Elementwise.square(g), 1 - alpha);
    Tensor avg;
    if (options.getBoolean("centered")) {
      Tensor mean = slot(name, "grad_avg", () -> Tensors.zerosLike(p));
      Ops.blend(mean, alpha, g, 1 - alpha);
      avg = Elementwise.sqrt(Elementwise.sub(v, Elementwise.square(mean)));
    } else {
      avg = Elementwise.sqrt(v);
    }
    avg = Elementwise.affine(avg, 1, options.getDouble("eps"));
    if (momentum > 0) {
      Tensor b = slot(name, "momentum_buffer", () -> Tensors.zerosLike(p));
      Ops.blend(b, momentum, Elementwise.div(g, avg), 1);
      Ops.addScaled(p, b, -lr);
    } else {
      Ops.addScaled(p, Elementwise.div(g, avg), -lr);
    }
  }
}

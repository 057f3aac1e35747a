package dev.heed.optimizers;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.UnaryOp;
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
 * The update of {@code torch.optim.Rprop} for one parameter:
 *
 * <pre>
 * g = maximize ? -g : g;  s = sign(g·prev)
 * η = etaplus where s &gt; 0, etaminus where s &lt; 0, else 1
 * step_size = clamp(step_size·η, min, max)    (step_size starts at lr)
 * g = 0 where s &lt; 0
 * p = p - sign(g)·step_size;  prev = g
 * </pre>
 *
 * Slots: {@code prev}, {@code step_size} and the step count.
 */
final class Rprop extends GroupedOptimizer {
  /** The etas and step-size limits of each group, parsed once. */
  private final PerGroup<double[][]> pairs;

  Rprop(String owner, List<ParameterGroup> groups, List<Options> settings) {
    super(owner, groups, settings, "lr", List.of("prev", "step_size"), true);
    this.pairs =
        new PerGroup<>(
            settings, o -> new double[][] {o.getNumbers("etas"), o.getNumbers("step_sizes")});
  }

  @Override
  protected void update(String name, Parameter parameter, Options options, double lr) {
    double[][] read = pairs.get(options);
    double[] etas = read[0];
    double[] limits = read[1];
    Tensor p = parameter.value();
    Tensor g = Ops.gradient(parameter, options.getBoolean("maximize"));
    Tensor prev = slot(name, "prev", () -> Tensors.zerosLike(p));
    Tensor size =
        slot(name, "step_size", () -> Tensors.full(p.backend(), p.shape(), p.dtype(), lr));
    Tensor sign = Elementwise.sign(Elementwise.mul(g, prev));
    Tensor positive = Elementwise.step(sign, 0);
    Tensor negative = Elementwise.step(Elementwise.neg(sign), 0);
    Tensor one = Tensors.scalar(p.backend(), p.dtype(), 1);
    Tensor factor =
        Elementwise.where(
            positive,
            Tensors.scalar(p.backend(), p.dtype(), etas[1]),
            Elementwise.where(negative, Tensors.scalar(p.backend(), p.dtype(), etas[0]), one));
    Elementwise.applyInPlace(BinaryOp.MUL, size, factor);
    Elementwise.applyInPlace(UnaryOp.CLAMP, limits[0], limits[1], size);
    Tensor kept = Elementwise.where(negative, Tensors.scalar(p.backend(), p.dtype(), 0), g);
    Ops.addScaled(p, Elementwise.mul(Elementwise.sign(kept), size), -1);
    Elementwise.assign(prev, kept);
  }
}

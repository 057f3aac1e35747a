package dev.heed.activations;

import static dev.heed.activations.ActivationOps.ge;
import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.activations.ActivationOps.lt;
import static dev.heed.core.tensor.Elementwise.add;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.mul;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Piecewise-linear sigmoid, as {@code torch.nn.Hardsigmoid}: 0 for {@code x <= -3}, 1 for {@code x
 * >= 3}, {@code x/6 + 1/2} between. The derivative is {@code 1/6} strictly inside {@code (-3, 3)}
 * and 0 at the bounds, as in PyTorch.
 */
public final class HardsigmoidActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public HardsigmoidActivationProvider() {}

  @Override
  public String name() {
    return "hardsigmoid";
  }

  @Override
  public String description() {
    return "piecewise-linear sigmoid clamp(x/6 + 1/2, 0, 1), as torch.nn.Hardsigmoid";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> add(mul(affine(x, 1.0 / 6, 0.5), mul(gt(x, -3), lt(x, 3))), ge(x, 3));
  }
}

package dev.heed.activations;

import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.activations.ActivationOps.lt;
import static dev.heed.core.tensor.Elementwise.add;
import static dev.heed.core.tensor.Elementwise.mul;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Hard shrinkage, as {@code torch.nn.Hardshrink}: {@code x} where {@code |x| > lambd}, else 0. The
 * derivative at {@code ±lambd} is 0, as in PyTorch.
 */
public final class HardshrinkActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public HardshrinkActivationProvider() {}

  @Override
  public String name() {
    return "hardshrink";
  }

  @Override
  public String description() {
    return "hard shrinkage x if |x| > lambd else 0, as torch.nn.Hardshrink";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number("lambd", 0.5, "the half-width of the band around 0 that is set to 0")
            .range(0, Double.POSITIVE_INFINITY));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double lambd = options.getDouble("lambd");
    return x -> mul(x, add(gt(x, lambd), lt(x, -lambd)));
  }
}

package dev.heed.activations;

import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.activations.ActivationOps.lt;
import static dev.heed.core.tensor.Elementwise.add;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.mul;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Soft shrinkage, as {@code torch.nn.Softshrink}: {@code x - lambd} above {@code lambd}, {@code x +
 * lambd} below {@code -lambd}, 0 between. The derivative at {@code ±lambd} is 0, as in PyTorch.
 */
public final class SoftshrinkActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public SoftshrinkActivationProvider() {}

  @Override
  public String name() {
    return "softshrink";
  }

  @Override
  public String description() {
    return "soft shrinkage towards 0 by lambd, as torch.nn.Softshrink";
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
    return x ->
        add(mul(affine(x, 1, -lambd), gt(x, lambd)), mul(affine(x, 1, lambd), lt(x, -lambd)));
  }
}

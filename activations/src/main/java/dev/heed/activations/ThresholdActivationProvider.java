package dev.heed.activations;

import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.core.tensor.Elementwise.add;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.mul;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Thresholding, as {@code torch.nn.Threshold}: {@code x} where {@code x > threshold}, else {@code
 * value}. Both options are required, as in PyTorch. The derivative at {@code threshold} is 0. The
 * comparison is in the input's dtype, as in PyTorch: for FLOAT32 the threshold is rounded to float
 * first, so {@code 0.1f} with threshold 0.1 is at the threshold and becomes {@code value}.
 */
public final class ThresholdActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public ThresholdActivationProvider() {}

  @Override
  public String name() {
    return "threshold";
  }

  @Override
  public String description() {
    return "x if x > threshold else value, as torch.nn.Threshold";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number("threshold", null, "inputs at or below it are replaced (required)"),
        OptionSpec.number(
            "value", null, "the replacement for inputs at or below threshold (required)"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double threshold = options.getDouble("threshold");
    double value = options.getDouble("value");
    return x -> {
      Tensor above = gt(x, threshold);
      return add(mul(x, above), affine(above, -value, value));
    };
  }
}

package dev.heed.activations;

import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.core.tensor.Elementwise.mul;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Thresholded ReLU (as Keras' {@code ThresholdedReLU}): {@code x} where {@code x > theta}, else 0;
 * the derivative at {@code theta} is 0.
 */
public final class ThresholdedReluActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public ThresholdedReluActivationProvider() {}

  @Override
  public String name() {
    return "thresholded-relu";
  }

  @Override
  public String description() {
    return "x if x > theta else 0 (Keras ThresholdedReLU)";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(OptionSpec.number("theta", 1.0, "inputs at or below it give 0"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double theta = options.getDouble("theta");
    return x -> mul(x, gt(x, theta));
  }
}

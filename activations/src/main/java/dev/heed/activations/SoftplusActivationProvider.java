package dev.heed.activations;

import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.where;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Smooth ReLU, as {@code torch.nn.Softplus}: {@code ln(1 + e^(beta·x))/beta}, reverting to {@code
 * x} where {@code beta·x > threshold} (at equality the smooth form is used, as in PyTorch).
 * Computed without overflow.
 */
public final class SoftplusActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public SoftplusActivationProvider() {}

  @Override
  public String name() {
    return "softplus";
  }

  @Override
  public String description() {
    return "ln(1+exp(beta*x))/beta, linear above threshold, as torch.nn.Softplus";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number("beta", 1.0, "sharpness: ln(1+exp(beta*x))/beta (not 0)"),
        OptionSpec.number("threshold", 20.0, "above beta*x > threshold the function is x"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double beta = ActivationOps.nonZero("activation 'softplus'", "beta", options.getDouble("beta"));
    double threshold = options.getDouble("threshold");
    return x -> {
      Tensor bx = affine(x, beta, 0);
      return where(gt(bx, threshold), x, affine(ActivationOps.softplus(bx), 1 / beta, 0));
    };
  }
}

package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.mul;
import static dev.heed.core.tensor.Elementwise.sigmoid;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Swish with a fixed slope (Ramachandran et al. 2017): {@code x·sigmoid(beta·x)}; {@code beta = 1}
 * is {@code silu}.
 */
public final class SwishActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public SwishActivationProvider() {}

  @Override
  public String name() {
    return "swish";
  }

  @Override
  public String description() {
    return "x*sigmoid(beta*x); beta 1 is silu";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(OptionSpec.number("beta", 1.0, "slope inside the sigmoid"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double beta = options.getDouble("beta");
    return x -> mul(x, sigmoid(affine(x, beta, 0)));
  }
}

package dev.heed.activations;

import static dev.heed.activations.ActivationOps.leaky;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Leaky rectified linear unit, as {@code torch.nn.LeakyReLU}: {@code x} for {@code x > 0}, else
 * {@code negative_slope·x}. The derivative at 0 is {@code negative_slope}, as in PyTorch.
 */
public final class LeakyReluActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public LeakyReluActivationProvider() {}

  @Override
  public String name() {
    return "leaky-relu";
  }

  @Override
  public List<String> aliases() {
    return List.of("lrelu");
  }

  @Override
  public String description() {
    return "leaky ReLU x if x > 0 else negative_slope*x, as torch.nn.LeakyReLU";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(OptionSpec.number("negative_slope", 0.01, "slope for negative inputs"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double slope = options.getDouble("negative_slope");
    return x -> leaky(x, slope);
  }
}

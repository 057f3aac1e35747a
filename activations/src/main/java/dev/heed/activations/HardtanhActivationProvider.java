package dev.heed.activations;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Clamp to {@code [min_val, max_val]}, as {@code torch.nn.Hardtanh}. The derivative is 1 strictly
 * inside and 0 at the bounds, as in PyTorch.
 */
public final class HardtanhActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public HardtanhActivationProvider() {}

  @Override
  public String name() {
    return "hardtanh";
  }

  @Override
  public String description() {
    return "clamp(x, min_val, max_val), as torch.nn.Hardtanh";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number("min_val", -1.0, "lower end of the linear region"),
        OptionSpec.number("max_val", 1.0, "upper end of the linear region (more than min_val)"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double lo = options.getDouble("min_val");
    double hi = options.getDouble("max_val");
    if (!(hi > lo)) {
      throw new OptionsException(
          "max_val",
          "activation 'hardtanh' option 'max_val': found "
              + hi
              + ", expected more than min_val = "
              + lo);
    }
    return x -> ActivationOps.hardtanh(x, lo, hi);
  }
}

package dev.heed.core.internal.losses;

import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Tensor;

/** Mean squared error, as PyTorch's {@code nn.MSELoss}: {@code mean((p - t)²)} or the sum. */
public final class MseLossProvider implements LossProvider {

  /** Cheap; for ServiceLoader. */
  public MseLossProvider() {}

  @Override
  public String name() {
    return "mse";
  }

  @Override
  public java.util.List<String> aliases() {
    return java.util.List.of("mean-squared-error", "MSELoss");
  }

  @Override
  public String description() {
    return "mean squared error between prediction and target (same shape)";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.choice("reduction", "mean", "mean or sum over all elements", "mean", "sum"));
  }

  @Override
  public Loss create(Options options) {
    boolean mean = options.getString("reduction").equals("mean");
    return (prediction, target) -> {
      if (!prediction.shape().equals(target.shape())) {
        throw new IllegalArgumentException(
            "mse: prediction "
                + prediction.shape()
                + " and target "
                + target.shape()
                + " must have the same shape");
      }
      Tensor sq = prediction.sub(target).square();
      return mean ? Reductions.mean(sq) : Reductions.sum(sq);
    };
  }
}

package dev.heed.core.internal.initializers;

import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.Initializer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** Normal draws, as {@code torch.nn.init.normal_}. */
public final class NormalInitializerProvider extends SimpleInitializerProvider {

  /** Cheap; for ServiceLoader. */
  public NormalInitializerProvider() {}

  @Override
  public String name() {
    return "normal";
  }

  @Override
  public String description() {
    return "normal distribution with the given mean and standard deviation";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number("mean", 0.0, "mean of the distribution"),
        OptionSpec.number("std", 1.0, "standard deviation").range(0, Double.MAX_VALUE));
  }

  @Override
  public Initializer create(Options options) {
    return drawing(Distribution.NORMAL, options.getDouble("mean"), options.getDouble("std"));
  }
}

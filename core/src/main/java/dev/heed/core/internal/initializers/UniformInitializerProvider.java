package dev.heed.core.internal.initializers;

import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.Initializer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;

/** Uniform draws on {@code [a, b)}, as {@code torch.nn.init.uniform_}. */
public final class UniformInitializerProvider extends SimpleInitializerProvider {

  /** Cheap; for ServiceLoader. */
  public UniformInitializerProvider() {}

  @Override
  public String name() {
    return "uniform";
  }

  @Override
  public String description() {
    return "uniform distribution on [a, b)";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number("a", 0.0, "lower bound"),
        OptionSpec.number("b", 1.0, "upper bound (above a)"));
  }

  @Override
  public Initializer create(Options options) {
    double a = options.getDouble("a");
    double b = options.getDouble("b");
    if (!(b > a)) {
      throw new OptionsException(
          "b",
          "initializer 'uniform' option 'b': found " + b + ", expected a number above a = " + a);
    }
    return drawing(Distribution.UNIFORM, a, b);
  }
}

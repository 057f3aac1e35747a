package dev.heed.core.internal.initializers;

import dev.heed.core.nn.Initializer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** Every value the same constant. */
public final class ConstantInitializerProvider extends SimpleInitializerProvider {

  /** Cheap; for ServiceLoader. */
  public ConstantInitializerProvider() {}

  @Override
  public String name() {
    return "constant";
  }

  @Override
  public java.util.List<String> aliases() {
    return java.util.List.of("ones");
  }

  @Override
  public String description() {
    return "every value the same constant (ones: value 1)";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(OptionSpec.number("value", 1.0, "the constant"));
  }

  @Override
  public Initializer create(Options options) {
    double v = options.getDouble("value");
    return (t, fan, seed) -> constant(t, v);
  }
}

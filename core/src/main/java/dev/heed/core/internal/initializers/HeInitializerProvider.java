package dev.heed.core.internal.initializers;

import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.Initializer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * He/Kaiming initialisation (He et al. 2015), as {@code torch.nn.init.kaiming_uniform_} and {@code
 * kaiming_normal_}: std = gain/√fan with the gain of the nonlinearity; the uniform bound is √3·std.
 */
public final class HeInitializerProvider extends SimpleInitializerProvider {

  /** Cheap; for ServiceLoader. */
  public HeInitializerProvider() {}

  @Override
  public String name() {
    return "he";
  }

  @Override
  public java.util.List<String> aliases() {
    return java.util.List.of("kaiming");
  }

  @Override
  public String description() {
    return "He/Kaiming: variance gain²/fan for ReLU-family networks";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.choice(
            "distribution",
            "normal",
            "draw from a normal or a uniform distribution",
            "normal",
            "uniform"),
        OptionSpec.choice(
            "mode",
            "fan_in",
            "preserve the variance forward (fan_in) or backward (fan_out)",
            "fan_in",
            "fan_out"),
        OptionSpec.choice(
            "nonlinearity",
            "relu",
            "the nonlinearity that follows",
            "relu",
            "leaky_relu",
            "tanh",
            "sigmoid",
            "linear",
            "selu"),
        OptionSpec.number("a", 0.0, "negative slope of leaky_relu"));
  }

  @Override
  public Initializer create(Options options) {
    boolean uniform = options.getString("distribution").equals("uniform");
    boolean fanIn = options.getString("mode").equals("fan_in");
    double gain = gain(options.getString("nonlinearity"), options.getDouble("a"));
    return (t, fan, seed) -> {
      double std = gain / Math.sqrt(fanIn ? fan.fanIn() : fan.fanOut());
      if (uniform) {
        double bound = Math.sqrt(3.0) * std;
        draw(t, Distribution.UNIFORM, -bound, bound, seed);
      } else {
        draw(t, Distribution.NORMAL, 0, std, seed);
      }
    };
  }
}

package dev.heed.core.internal.initializers;

import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.Initializer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * Glorot/Xavier initialisation (Glorot and Bengio 2010), as {@code torch.nn.init.xavier_uniform_}
 * and {@code xavier_normal_}: std = gain·√(2/(fanIn+fanOut)); the uniform bound is √3·std.
 */
public final class XavierInitializerProvider extends SimpleInitializerProvider {

  /** Cheap; for ServiceLoader. */
  public XavierInitializerProvider() {}

  @Override
  public String name() {
    return "xavier";
  }

  @Override
  public java.util.List<String> aliases() {
    return java.util.List.of("glorot");
  }

  @Override
  public String description() {
    return "Glorot/Xavier: variance 2/(fan_in+fan_out), scaled by gain";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.choice(
            "distribution",
            "uniform",
            "draw from a uniform or a normal distribution",
            "uniform",
            "normal"),
        OptionSpec.number("gain", 1.0, "scale factor (torch.nn.init.calculate_gain)")
            .range(0, Double.MAX_VALUE));
  }

  @Override
  public Initializer create(Options options) {
    boolean uniform = options.getString("distribution").equals("uniform");
    double gain = options.getDouble("gain");
    return (t, fan, seed) -> {
      double std = gain * Math.sqrt(2.0 / (fan.fanIn() + fan.fanOut()));
      if (uniform) {
        double bound = Math.sqrt(3.0) * std;
        draw(t, Distribution.UNIFORM, -bound, bound, seed);
      } else {
        draw(t, Distribution.NORMAL, 0, std, seed);
      }
    };
  }
}

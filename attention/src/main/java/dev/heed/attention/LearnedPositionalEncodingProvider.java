package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** Adds a learned position embedding: see {@link LearnedPositionalEncoding}. */
public final class LearnedPositionalEncodingProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("max_len", 512, "longest sequence").range(1, Integer.MAX_VALUE),
          OptionSpec.number("init_std", 0.02, "standard deviation of the initial weights")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("dropout", 0.0, "dropout after adding the encoding").range(0, 1));

  /** Cheap; for ServiceLoader. */
  public LearnedPositionalEncodingProvider() {}

  @Override
  public String name() {
    return "learned-positional-encoding";
  }

  @Override
  public String description() {
    return "adds a learned position embedding weight [max_len, d] to [B, T, d]";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new LearnedPositionalEncoding(
        inputFeatures,
        o.getInt("max_len"),
        o.getDouble("init_std"),
        Dropouts.check(owner, o.getDouble("dropout")),
        ctx);
  }
}

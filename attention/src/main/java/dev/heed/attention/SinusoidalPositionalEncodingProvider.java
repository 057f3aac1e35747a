package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** Adds the fixed sinusoidal position encoding: see {@link SinusoidalPositionalEncoding}. */
public final class SinusoidalPositionalEncodingProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("dropout", 0.0, "dropout after adding the encoding").range(0, 1));

  /** Cheap; for ServiceLoader. */
  public SinusoidalPositionalEncodingProvider() {}

  @Override
  public String name() {
    return "positional-encoding";
  }

  @Override
  public String description() {
    return "adds sin/cos position encodings to [B, T, d] (any T), no parameters";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new SinusoidalPositionalEncoding(
        inputFeatures, Dropouts.check(owner, o.getDouble("dropout")));
  }
}

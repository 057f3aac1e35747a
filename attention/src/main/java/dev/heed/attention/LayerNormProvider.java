package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** Layer normalisation over the last axis as {@code nn.LayerNorm}: see {@link LayerNorm}. */
public final class LayerNormProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("eps", 1e-5, "added to the variance").range(0, Double.MAX_VALUE),
          OptionSpec.bool("elementwise_affine", true, "learn weight (ones) and bias (zeros)"));

  /** Cheap; for ServiceLoader. */
  public LayerNormProvider() {}

  @Override
  public String name() {
    return "layer-norm";
  }

  @Override
  public String description() {
    return "layer normalisation over the last axis, as nn.LayerNorm";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new LayerNorm(
        inputFeatures, o.getDouble("eps"), o.getBoolean("elementwise_affine"), ctx);
  }
}

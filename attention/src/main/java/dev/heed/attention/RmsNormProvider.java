package dev.heed.attention;

import dev.heed.attention.blocks.RmsNorm;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** RMS normalisation over the last axis as {@code nn.RMSNorm}: see {@link RmsNorm}. */
public final class RmsNormProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("eps", 1e-6, "added to the mean square").range(0, Double.MAX_VALUE),
          OptionSpec.bool("elementwise_affine", true, "learn a per-feature weight (ones)"));

  /** Cheap; for ServiceLoader. */
  public RmsNormProvider() {}

  @Override
  public String name() {
    return "rms-norm";
  }

  @Override
  public String description() {
    return "root-mean-square normalisation over the last axis, as nn.RMSNorm and Llama";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new RmsNorm(inputFeatures, o.getDouble("eps"), o.getBoolean("elementwise_affine"), ctx);
  }
}

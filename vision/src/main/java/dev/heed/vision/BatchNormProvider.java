package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * What {@code batch-norm1d} and {@code batch-norm2d} share ({@link BatchNorm}), with an optional
 * activation after, as {@code dense} has.
 */
abstract class BatchNormProvider extends VisionProvider {
  private final boolean images;
  private final OptionsSchema schema;

  BatchNormProvider(boolean images) {
    this.images = images;
    this.schema =
        OptionsSchema.of(
            OptionSpec.integer(
                    "num_features",
                    images ? null : 0,
                    images
                        ? "channels of the input image"
                        : "channels C of [batch, C] or [batch, C, length] (0: every input feature)")
                .range(images ? 1 : 0, Integer.MAX_VALUE),
            OptionSpec.number("eps", 1e-5, "added to the variance").range(0, Double.MAX_VALUE),
            OptionSpec.number("momentum", 0.1, "weight of a batch in the running statistics")
                .range(0, 1),
            OptionSpec.bool("affine", true, "learn weight (ones) and bias (zeros)"),
            activation());
  }

  @Override
  final OptionsSchema schema() {
    return schema;
  }

  private static int channels(Options o, int inputFeatures) {
    int c = o.getInt("num_features");
    return c == 0 ? inputFeatures : c;
  }

  @Override
  final Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    outputs(owner, o, inputFeatures);
    BatchNorm bn =
        new BatchNorm(
            name(),
            channels(o, inputFeatures),
            o.getDouble("eps"),
            o.getDouble("momentum"),
            o.getBoolean("affine"),
            images,
            ctx);
    return withActivation(bn, o, ctx);
  }

  @Override
  final int outputs(String owner, Options o, int inputFeatures) {
    int c = channels(o, inputFeatures);
    if (inputFeatures % c != 0) {
      throw new IllegalArgumentException(
          owner
              + ": "
              + inputFeatures
              + " input features are not "
              + c
              + " channels of equal size");
    }
    return inputFeatures;
  }
}

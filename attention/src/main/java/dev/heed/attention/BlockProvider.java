package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.Objects;

/**
 * What the block providers share: null checks, the check that the options were resolved against
 * this block's schema (once, by the registry), and the owner in messages.
 */
abstract class BlockProvider implements LayerProvider {

  /** The options of this block. */
  abstract OptionsSchema schema();

  /** Builds the block from resolved options. */
  abstract Layer build(String owner, Options o, int inputFeatures, BuildContext ctx);

  /** The output features from resolved options; default the input features. */
  int outputs(Options o, int inputFeatures) {
    return inputFeatures;
  }

  @Override
  public final OptionsSchema options() {
    return schema();
  }

  @Override
  public final Layer create(Options options, int inputFeatures, BuildContext ctx) {
    String owner = "layer '" + name() + "'";
    Objects.requireNonNull(options, () -> owner + ": the options are null");
    Objects.requireNonNull(ctx, () -> owner + ": the build context is null");
    if (inputFeatures <= 0) {
      throw new IllegalArgumentException(
          owner + ": the input features must be positive, got " + inputFeatures);
    }
    return build(owner, schema().check(owner, options), inputFeatures, ctx);
  }

  @Override
  public final int outputFeatures(Options options, int inputFeatures) {
    String owner = "layer '" + name() + "'";
    return outputs(schema().check(owner, options), inputFeatures);
  }
}

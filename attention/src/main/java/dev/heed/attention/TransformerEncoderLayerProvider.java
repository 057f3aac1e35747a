package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * A transformer encoder layer as {@code nn.TransformerEncoderLayer(batch_first=True)}: see {@link
 * TransformerEncoderLayer}.
 */
public final class TransformerEncoderLayerProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(EncoderOptions.specs().toArray(new OptionSpec[0]));

  /** Cheap; for ServiceLoader. */
  public TransformerEncoderLayerProvider() {}

  @Override
  public String name() {
    return "transformer-encoder-layer";
  }

  @Override
  public String description() {
    return "transformer encoder layer (pre- or post-norm), as nn.TransformerEncoderLayer";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  /** Checks the options against the input features at load time (nhead must divide them). */
  @Override
  int outputs(Options o, int inputFeatures) {
    EncoderOptions.of("layer '" + name() + "'", o, inputFeatures);
    return inputFeatures;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new TransformerEncoderLayer(
        EncoderOptions.of(owner, o, inputFeatures), inputFeatures, ctx);
  }
}

package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * A stack of transformer decoder layers as {@code nn.TransformerDecoder}: see {@link
 * TransformerDecoder}.
 */
public final class TransformerDecoderProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(TransformerDecoderLayerProvider.specs(true));

  /** Cheap; for ServiceLoader. */
  public TransformerDecoderProvider() {}

  @Override
  public String name() {
    return "transformer-decoder";
  }

  @Override
  public String description() {
    return "a stack of transformer decoder layers (layers.<i>.*), as nn.TransformerDecoder";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  int outputs(Options o, int inputFeatures) {
    EncoderOptions.of("layer '" + name() + "'", o, inputFeatures);
    return inputFeatures;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new TransformerDecoder(
        EncoderOptions.of(owner, o, inputFeatures),
        inputFeatures,
        TransformerDecoderLayerProvider.memoryFeatures(o, inputFeatures),
        o.getInt("num_layers"),
        o.getBoolean("final_norm"),
        ctx);
  }
}

package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * An encoder–decoder transformer as {@code nn.Transformer(batch_first=True)}: see {@link
 * Transformer}. The decoder's self-attention is causal; the encoder's only with {@code causal}.
 */
public final class TransformerProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA = OptionsSchema.of(specs());

  /** Cheap; for ServiceLoader. */
  public TransformerProvider() {}

  @Override
  public String name() {
    return "transformer";
  }

  @Override
  public String description() {
    return "encoder-decoder transformer (encoder.*, decoder.*), as nn.Transformer;"
        + " its memory input is the embedded source";
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
    EncoderOptions encoder = EncoderOptions.of(owner, o, inputFeatures);
    EncoderOptions decoder =
        new EncoderOptions(
            encoder.heads(),
            encoder.feedForward(),
            encoder.dropout(),
            encoder.activation(),
            encoder.eps(),
            encoder.normFirst(),
            encoder.bias(),
            true);
    return new Transformer(
        encoder,
        decoder,
        inputFeatures,
        o.getInt("num_encoder_layers"),
        o.getInt("num_decoder_layers"),
        ctx);
  }

  private static OptionSpec[] specs() {
    List<OptionSpec> l = new ArrayList<>();
    l.add(
        OptionSpec.integer("num_encoder_layers", 6, "encoder layers").range(1, Integer.MAX_VALUE));
    l.add(
        OptionSpec.integer("num_decoder_layers", 6, "decoder layers").range(1, Integer.MAX_VALUE));
    // 'causal' makes the encoder's self-attention causal too; the decoder's always is
    l.addAll(EncoderOptions.specs());
    return l.toArray(new OptionSpec[0]);
  }
}

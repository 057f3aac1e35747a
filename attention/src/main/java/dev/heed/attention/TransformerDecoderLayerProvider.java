package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * A transformer decoder layer as {@code nn.TransformerDecoderLayer(batch_first=True)}: see {@link
 * TransformerDecoderLayer}. It reads a memory, so it is wired as a part with two inputs (it is a
 * {@link dev.heed.core.nn.MemoryLayer}).
 */
public final class TransformerDecoderLayerProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA = OptionsSchema.of(specs(false));

  /** Cheap; for ServiceLoader. */
  public TransformerDecoderLayerProvider() {}

  @Override
  public String name() {
    return "transformer-decoder-layer";
  }

  @Override
  public String description() {
    return "transformer decoder layer (causal self-attention, cross-attention over a memory,"
        + " feed-forward), as nn.TransformerDecoderLayer";
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
    return new TransformerDecoderLayer(
        EncoderOptions.of(owner, o, inputFeatures),
        inputFeatures,
        memoryFeatures(o, inputFeatures),
        ctx);
  }

  /** {@code memory_features}, 0 meaning the input features. */
  static int memoryFeatures(Options o, int inputFeatures) {
    int m = o.getInt("memory_features");
    return m == 0 ? inputFeatures : m;
  }

  /** The decoder options (causal by default), with the stack's when {@code stack}. */
  static OptionSpec[] specs(boolean stack) {
    List<OptionSpec> l = new ArrayList<>();
    if (stack) {
      l.add(OptionSpec.integer("num_layers", 2, "decoder layers").range(1, Integer.MAX_VALUE));
      l.add(
          OptionSpec.bool(
              "final_norm",
              false,
              "a final layer norm (norm.weight, norm.bias), usual with norm_first"));
    }
    l.add(
        OptionSpec.integer(
                "memory_features",
                0,
                "width of the memory (the encoder's output); 0: the input features (d_model)")
            .range(0, Integer.MAX_VALUE));
    l.addAll(EncoderOptions.specs(true));
    return l.toArray(new OptionSpec[0]);
  }
}

package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * A stack of transformer encoder layers as {@code nn.TransformerEncoder}: see {@link
 * TransformerEncoder}.
 */
public final class TransformerEncoderProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA = OptionsSchema.of(stackSpecs());

  /** Cheap; for ServiceLoader. */
  public TransformerEncoderProvider() {}

  @Override
  public String name() {
    return "transformer-encoder";
  }

  @Override
  public String description() {
    return "a stack of transformer encoder layers (layers.<i>.*), as nn.TransformerEncoder";
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
    return new TransformerEncoder(
        EncoderOptions.of(owner, o, inputFeatures),
        inputFeatures,
        o.getInt("num_layers"),
        o.getBoolean("final_norm"),
        ctx);
  }

  private static OptionSpec[] stackSpecs() {
    List<OptionSpec> l = new ArrayList<>();
    l.add(OptionSpec.integer("num_layers", 2, "encoder layers").range(1, Integer.MAX_VALUE));
    l.add(
        OptionSpec.bool(
            "final_norm",
            false,
            "a final layer norm (norm.weight, norm.bias), usual with norm_first"));
    l.addAll(EncoderOptions.specs());
    return l.toArray(new OptionSpec[0]);
  }
}

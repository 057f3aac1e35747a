package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Additive (Bahdanau) attention, {@code score = vᵀ tanh(W_q q + W_k k)}: see {@link
 * AdditiveAttention} for shapes and parameter names.
 */
public final class AdditiveAttentionProvider implements AttentionUnitProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("hidden", 0, "size H of the tanh layer; 0 means the key dimension Dk")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.bool("bias", true, "whether query_proj and key_proj have biases"),
          OptionSpec.number("dropout", 0.0, "dropout probability on the attention weights")
              .range(0, 1));

  /** Cheap; for ServiceLoader. */
  public AdditiveAttentionProvider() {}

  @Override
  public String name() {
    return "additive";
  }

  @Override
  public List<String> aliases() {
    return List.of("bahdanau");
  }

  @Override
  public String description() {
    return "Bahdanau attention: softmax(vᵀ tanh(W_q q + W_k k)) over the keys";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx) {
    String owner = "attention '" + name() + "'";
    Options o = Units.resolve(owner, SCHEMA, options, spec, ctx);
    int hidden = o.getInt("hidden") == 0 ? spec.keyDim() : o.getInt("hidden");
    return new AdditiveAttention(
        spec, hidden, o.getBoolean("bias"), Dropouts.check(owner, o.getDouble("dropout")), ctx);
  }
}

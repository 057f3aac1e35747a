package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Multi-head self- and cross-attention with {@code nn.MultiheadAttention}'s parameter names and
 * {@code batch_first=True} shapes: {@code embed_dim} is the spec's queryDim, {@code kdim} and
 * {@code vdim} its keyDim and valueDim. See {@link MultiHeadAttention}.
 */
public final class MultiHeadAttentionProvider implements AttentionUnitProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("num_heads", 1, "parallel heads; must divide embed_dim (queryDim)")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.bool("bias", true, "whether in_proj_bias and out_proj.bias exist"),
          OptionSpec.number("dropout", 0.0, "dropout probability on the attention weights")
              .range(0, 1),
          OptionSpec.bool(
              "average_attn_weights",
              true,
              "return the weights averaged over heads [B, Tq, Tk]; false: per head [B, H, Tq,"
                  + " Tk]"));

  /** Cheap; for ServiceLoader. */
  public MultiHeadAttentionProvider() {}

  @Override
  public String name() {
    return "multi-head";
  }

  @Override
  public List<String> aliases() {
    return List.of("multihead", "mha");
  }

  @Override
  public String description() {
    return "multi-head attention as nn.MultiheadAttention (batch_first), self or cross, kdim/vdim";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx) {
    String owner = "attention '" + name() + "'";
    Options o = Units.resolve(owner, SCHEMA, options, spec, ctx);
    int heads = o.getInt("num_heads");
    if (heads < 1 || spec.queryDim() % heads != 0) {
      throw new OptionsException(
          "num_heads",
          owner
              + " option 'num_heads': "
              + heads
              + " does not divide embed_dim (queryDim) "
              + spec.queryDim()
              + "; pick a divisor of it");
    }
    return new MultiHeadAttention(
        spec,
        heads,
        o.getBoolean("bias"),
        Dropouts.check(owner, o.getDouble("dropout")),
        o.getBoolean("average_attn_weights"),
        ctx);
  }
}

package dev.heed.attention;

import dev.heed.attention.blocks.GroupedQueryAttention;
import dev.heed.attention.blocks.RotaryEmbedding;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * Self-attention with grouped-query heads and rotary positions, as Llama's: see {@link
 * GroupedQueryAttention}.
 */
public final class GroupedQueryAttentionProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("num_heads", 8, "query heads").range(1, Integer.MAX_VALUE),
          OptionSpec.integer("num_kv_heads", 0, "key/value heads dividing num_heads (0: as many)")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.integer("head_dim", 0, "size of a head (0: features / num_heads)")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.bool("causal", true, "each position sees only itself and earlier ones"),
          OptionSpec.number("rope_theta", 10000.0, "base of the rotary frequencies (0: no rotary)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.integer("max_positions", 2048, "positions the rotary tables cover")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.bool("bias", false, "whether the projections have biases"),
          OptionSpec.number("dropout", 0.0, "dropout on the attention weights").range(0, 1));

  /** Cheap; for ServiceLoader. */
  public GroupedQueryAttentionProvider() {}

  @Override
  public String name() {
    return "grouped-query-attention";
  }

  @Override
  public String description() {
    return "self-attention with grouped key/value heads and rotary positions, as Llama's";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    int heads = o.getInt("num_heads");
    int kvHeads = o.getInt("num_kv_heads") == 0 ? heads : o.getInt("num_kv_heads");
    int headDim = o.getInt("head_dim");
    if (headDim == 0) {
      if (inputFeatures % heads != 0) {
        throw new IllegalArgumentException(
            owner
                + ": "
                + inputFeatures
                + " features do not split into "
                + heads
                + " heads; set head_dim");
      }
      headDim = inputFeatures / heads;
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          owner + ": num_kv_heads " + kvHeads + " must divide num_heads " + heads);
    }
    double theta = o.getDouble("rope_theta");
    if (theta != 0 && (headDim % 2 != 0 || theta <= 1)) {
      throw new IllegalArgumentException(
          owner
              + ": rotary positions need an even head_dim and rope_theta above 1 (or 0 for"
              + " none), got head_dim "
              + headDim
              + " and rope_theta "
              + theta);
    }
    RotaryEmbedding rotary =
        theta == 0
            ? null
            : new RotaryEmbedding(
                headDim, theta, o.getInt("max_positions"), ctx.backend(), ctx.dtype());
    return new GroupedQueryAttention(
        inputFeatures,
        heads,
        kvHeads,
        headDim,
        o.getBoolean("bias"),
        o.getBoolean("causal"),
        rotary,
        Dropouts.check(owner, o.getDouble("dropout")),
        ctx);
  }
}

package dev.heed.attention;

import dev.heed.attention.blocks.SwiGlu;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** The SwiGLU feed-forward block of Llama: see {@link SwiGlu}. */
public final class SwiGluProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("hidden", 2048, "size of the gated hidden layer")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.bool("bias", false, "whether the three projections have biases"));

  /** Cheap; for ServiceLoader. */
  public SwiGluProvider() {}

  @Override
  public String name() {
    return "swiglu";
  }

  @Override
  public String description() {
    return "gated feed-forward down_proj(silu(gate_proj(x))·up_proj(x)), as Llama's MLP";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new SwiGlu(inputFeatures, o.getInt("hidden"), o.getBoolean("bias"), ctx);
  }
}

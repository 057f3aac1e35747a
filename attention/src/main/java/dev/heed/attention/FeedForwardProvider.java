package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** The position-wise feed-forward block of a transformer: see {@link FeedForward}. */
public final class FeedForwardProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("dim_feedforward", 2048, "hidden size").range(1, Integer.MAX_VALUE),
          OptionSpec.plugin(
              "activation",
              "activation",
              "relu",
              "hidden activation: any activation plugin by name or {name: …, <its options>}"),
          OptionSpec.number("dropout", 0.1, "dropout after the activation").range(0, 1),
          OptionSpec.bool("bias", true, "whether linear1 and linear2 have biases"));

  /** Cheap; for ServiceLoader. */
  public FeedForwardProvider() {}

  @Override
  public String name() {
    return "feed-forward";
  }

  @Override
  public String description() {
    return "position-wise feed-forward: linear2(dropout(act(linear1(x))))";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new FeedForward(
        inputFeatures,
        o.getInt("dim_feedforward"),
        Blocks.activation(o, ctx),
        Dropouts.check(owner, o.getDouble("dropout")),
        o.getBoolean("bias"),
        ctx);
  }
}

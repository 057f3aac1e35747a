package dev.heed.attention;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import java.util.List;

/**
 * The options of a transformer encoder layer, with {@code nn.TransformerEncoderLayer}'s names and
 * defaults.
 *
 * @param heads {@code nhead}
 * @param feedForward {@code dim_feedforward}
 * @param dropout {@code dropout}
 * @param activation {@code activation}
 * @param eps {@code layer_norm_eps}
 * @param normFirst {@code norm_first}
 * @param bias {@code bias}
 * @param causal whether a causal mask is always added ({@code is_causal})
 */
record EncoderOptions(
    int heads,
    int feedForward,
    double dropout,
    Configured<ActivationProvider> activation,
    double eps,
    boolean normFirst,
    boolean bias,
    boolean causal) {

  /** The declared options. */
  static List<OptionSpec> specs() {
    return specs(false);
  }

  /** The declared options, with {@code causal} defaulting to {@code causalDefault}. */
  static List<OptionSpec> specs(boolean causalDefault) {
    return List.of(
        OptionSpec.integer("nhead", 8, "attention heads; must divide the input features (d_model)")
            .range(1, Integer.MAX_VALUE),
        OptionSpec.integer("dim_feedforward", 2048, "hidden size of the feed-forward block")
            .range(1, Integer.MAX_VALUE),
        OptionSpec.number(
                "dropout", 0.1, "dropout probability (attention, residuals, feed-forward)")
            .range(0, 1),
        OptionSpec.plugin(
            "activation",
            "activation",
            "relu",
            "feed-forward activation: any activation plugin by name or {name: …, <its options>}"),
        OptionSpec.number("layer_norm_eps", 1e-5, "epsilon of the layer norms")
            .range(0, Double.MAX_VALUE),
        OptionSpec.bool(
            "norm_first", false, "pre-norm (norm before attention and feed-forward) if true"),
        OptionSpec.bool("bias", true, "whether the linear layers and attention have biases"),
        OptionSpec.bool(
            "causal",
            causalDefault,
            "add a causal mask: position i attends to positions <= i only"));
  }

  /** Reads and checks resolved options for input features {@code features}. */
  static EncoderOptions of(String owner, Options o, int features) {
    int heads = o.getInt("nhead");
    if (heads < 1 || features % heads != 0) {
      throw new OptionsException(
          "nhead",
          owner
              + " option 'nhead': "
              + heads
              + " does not divide the input features (d_model) "
              + features
              + "; pick a divisor of it");
    }
    return new EncoderOptions(
        heads,
        o.getInt("dim_feedforward"),
        Dropouts.check(owner, o.getDouble("dropout")),
        o.getPlugin("activation", ActivationProvider.class),
        o.getDouble("layer_norm_eps"),
        o.getBoolean("norm_first"),
        o.getBoolean("bias"),
        o.getBoolean("causal"));
  }
}

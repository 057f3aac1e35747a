package dev.heed.recurrent;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.Objects;

/**
 * What the {@code gru} and {@code lstm} layer providers share: PyTorch's options with its names and
 * defaults, except {@code batch_first}, which defaults to true as every Heed sequence is
 * batch-first. The output features are {@code hidden_size}, twice that when bidirectional.
 */
abstract sealed class RecurrentProvider implements LayerProvider permits GruProvider, LstmProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("hidden_size", 64, "features of the hidden state")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.integer("num_layers", 1, "stacked recurrent layers")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.bool("bias", true, "whether the cells have biases (bias_ih, bias_hh)"),
          OptionSpec.bool(
              "batch_first",
              true,
              "input and output [batch, time, features] (false: [time, batch, features])"),
          OptionSpec.number(
                  "dropout", 0.0, "dropout on the outputs of each layer but the last, in training")
              .range(0, 1),
          OptionSpec.bool(
              "bidirectional",
              false,
              "a backward direction too (*_reverse), outputs concatenated"));

  private final boolean lstm;

  RecurrentProvider(boolean lstm) {
    this.lstm = lstm;
  }

  @Override
  public final OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public final Layer create(Options options, int inputFeatures, BuildContext ctx) {
    return build(options, inputFeatures, ctx);
  }

  /** The layer, as its concrete type (for tests and the attention decoder). */
  final Recurrent build(Options options, int inputFeatures, BuildContext ctx) {
    String owner = "layer '" + name() + "'";
    Objects.requireNonNull(options, () -> owner + ": the options are null");
    Objects.requireNonNull(ctx, () -> owner + ": the build context is null");
    if (inputFeatures <= 0) {
      throw new IllegalArgumentException(
          owner + ": the input features must be positive, got " + inputFeatures);
    }
    Options o = SCHEMA.check(owner, options);
    double dropout = o.getDouble("dropout");
    if (!(dropout >= 0 && dropout < 1)) {
      throw new OptionsException(
          "dropout", owner + " option 'dropout': found " + dropout + ", expected [0, 1)");
    }
    return new Recurrent(
        lstm,
        inputFeatures,
        o.getInt("hidden_size"),
        o.getInt("num_layers"),
        o.getBoolean("bias"),
        o.getBoolean("batch_first"),
        dropout,
        o.getBoolean("bidirectional"),
        ctx);
  }

  @Override
  public final int outputFeatures(Options options, int inputFeatures) {
    Options o = SCHEMA.check("layer '" + name() + "'", options);
    return o.getInt("hidden_size") * (o.getBoolean("bidirectional") ? 2 : 1);
  }
}

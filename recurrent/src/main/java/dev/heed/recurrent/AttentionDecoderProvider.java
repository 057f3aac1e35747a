package dev.heed.recurrent;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.Objects;

/**
 * The {@code attention-decoder} layer: a recurrent decoder (GRU or LSTM cell) with additive
 * (Bahdanau) or multiplicative (Luong) attention over an encoder's states; see {@link
 * AttentionDecoder}. It reads a memory, so it is wired as a part with two inputs (it is a {@link
 * dev.heed.core.nn.MemoryLayer}).
 */
public final class AttentionDecoderProvider implements LayerProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("hidden_size", 64, "features of the decoder's state")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.choice("cell", "gru", "the recurrent cell", "gru", "lstm"),
          OptionSpec.choice(
              "style",
              "bahdanau",
              "bahdanau: attend with the previous state, feed the context to the cell, output"
                  + " [state; context]; luong: attend with the new state, output"
                  + " tanh(W [context; state])",
              "bahdanau",
              "luong"),
          OptionSpec.plugin(
              "attention",
              "attention",
              "additive",
              "the attention unit: a name (additive, dot, scaled-dot, …) or {name: …, <its"
                  + " options>}; dot needs memory_features = hidden_size unless general"),
          OptionSpec.integer(
                  "memory_features",
                  0,
                  "width of the memory (the encoder's output); 0: the input features")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.choice(
              "init_state",
              "memory-mean",
              "first state: tanh(W · mean of the unpadded memory + b), or zeros",
              "memory-mean",
              "zeros"));

  /** Cheap; for ServiceLoader. */
  public AttentionDecoderProvider() {}

  @Override
  public String name() {
    return "attention-decoder";
  }

  @Override
  public String description() {
    return "recurrent decoder (gru or lstm cell) with additive (Bahdanau) or Luong attention over"
        + " an encoder's states";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Layer create(Options options, int inputFeatures, BuildContext ctx) {
    return build(options, inputFeatures, ctx);
  }

  AttentionDecoder build(Options options, int inputFeatures, BuildContext ctx) {
    String owner = "layer '" + name() + "'";
    Objects.requireNonNull(options, () -> owner + ": the options are null");
    Objects.requireNonNull(ctx, () -> owner + ": the build context is null");
    if (inputFeatures <= 0) {
      throw new IllegalArgumentException(
          owner + ": the input features must be positive, got " + inputFeatures);
    }
    Options o = SCHEMA.check(owner, options);
    int hidden = o.getInt("hidden_size");
    int memory = memoryFeatures(o, inputFeatures);
    Configured<AttentionUnitProvider> a = o.getPlugin("attention", AttentionUnitProvider.class);
    return new AttentionDecoder(
        inputFeatures,
        memory,
        hidden,
        o.getString("cell").equals("lstm"),
        o.getString("style").equals("luong"),
        o.getString("init_state").equals("memory-mean"),
        a.provider().create(a.options(), new AttentionSpec(hidden, memory, memory), ctx),
        ctx);
  }

  private static int memoryFeatures(Options o, int inputFeatures) {
    int m = o.getInt("memory_features");
    return m == 0 ? inputFeatures : m;
  }

  @Override
  public int outputFeatures(Options options, int inputFeatures) {
    Options o = SCHEMA.check("layer '" + name() + "'", options);
    int hidden = o.getInt("hidden_size");
    return o.getString("style").equals("luong")
        ? hidden
        : hidden + memoryFeatures(o, inputFeatures);
  }
}

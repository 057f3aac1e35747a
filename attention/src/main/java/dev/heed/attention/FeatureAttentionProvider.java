package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import java.util.Objects;

/**
 * Feature attention, the seed's gate over input features: for {@code x [batch, F]}, scores {@code s
 * = x·Wᵀ + b} (an {@code nn.Linear(F, F)}), weights {@code a = softmax(s / temperature)} over the
 * features (or independent sigmoid gates), output {@code a ⊙ x}. See {@link FeatureAttention} for
 * the shapes.
 */
public final class FeatureAttentionProvider implements AttentionUnitProvider {
  static final String SOFTMAX = "softmax";
  static final String SIGMOID = "sigmoid";
  static final String INIT_DEFAULT = "default";
  static final String INIT_XAVIER = "xavier";
  static final String INIT_ZEROS = "zeros";

  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.choice(
              "normalization",
              SOFTMAX,
              "softmax: weights over the features sum to 1; sigmoid: an independent gate in (0, 1)"
                  + " per feature (masks unsupported)",
              SOFTMAX,
              SIGMOID),
          OptionSpec.number("temperature", 1.0, "the scores are divided by this (> 0)")
              .range(0, Double.MAX_VALUE),
          OptionSpec.bool("bias", true, "whether the score projection has a bias"),
          OptionSpec.choice(
              "init",
              INIT_DEFAULT,
              "initial weights: default as nn.Linear (uniform ±1/√F), xavier (uniform, zero"
                  + " bias), zeros (uniform attention at the start)",
              INIT_DEFAULT,
              INIT_XAVIER,
              INIT_ZEROS));

  /** Cheap; for ServiceLoader. */
  public FeatureAttentionProvider() {}

  @Override
  public String name() {
    return "feature";
  }

  @Override
  public String description() {
    return "gates over input features: softmax(x·Wᵀ + b) ⊙ x, the seed's feature attention";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx) {
    String owner = "attention '" + name() + "'";
    Objects.requireNonNull(spec, () -> owner + ": the attention spec is null");
    Objects.requireNonNull(ctx, () -> owner + ": the build context is null");
    Options o = SCHEMA.resolve(owner, options.asMap());
    double temperature = o.getDouble("temperature");
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new OptionsException(
          "temperature",
          owner + " option 'temperature': found " + temperature + ", expected a finite number > 0");
    }
    if (spec.valueDim() != spec.keyDim()) {
      throw new IllegalArgumentException(
          owner
              + ": each value feature is gated by one key, so valueDim must equal keyDim; got "
              + spec
              + " (for self-attention over F features use AttentionSpec.self(F))");
    }
    return new FeatureAttention(
        spec,
        o.getString("normalization").equals(SIGMOID),
        temperature,
        o.getBoolean("bias"),
        o.getString("init"),
        ctx);
  }
}

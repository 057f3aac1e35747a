package com.example.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.Parameter;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Shape;
import java.util.List;

/**
 * Provides {@code cosine}, cosine-similarity attention ({@link CosineAttention}): the scores are
 * the cosines of the queries and keys times {@code scale}, fixed, or learnt from that starting
 * value with {@code learn_scale}.
 */
public final class CosineAttentionProvider implements AttentionUnitProvider {
  /** The smallest scale: below it every key gets practically the same weight. */
  static final double MIN_SCALE = 1e-3;

  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number(
                  "scale", 10.0, "factor of the cosine similarities (an inverse temperature)")
              .range(MIN_SCALE, Double.MAX_VALUE),
          OptionSpec.bool(
              "learn_scale", false, "whether scale is a parameter trained with the others"));

  /** The registry instantiates every provider to read its name; this does no work. */
  public CosineAttentionProvider() {}

  @Override
  public String name() {
    return "cosine";
  }

  @Override
  public List<String> aliases() {
    return List.of("cosine-similarity");
  }

  @Override
  public String description() {
    return "cosine-similarity attention: softmax(scale·cos(q, k) + mask)·v";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx) {
    String owner = "attention 'cosine'";
    if (spec.queryDim() != spec.keyDim()) {
      throw new IllegalArgumentException(
          owner + ": queries and keys must have the same dimension to be compared, got " + spec);
    }
    double scale = options.getDouble("scale"); // in range: the registry resolved the options
    Parameter learnt =
        options.getBoolean("learn_scale")
            ? Parameter.create(
                ctx, Shape.of(1), (t, fan, seed) -> Elementwise.fill(t, scale), Fan.dense(1, 1))
            : null;
    return new CosineAttention(spec, scale, learnt);
  }
}

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
 * Scaled dot-product attention, {@code softmax(q·kᵀ/√d + mask)·v} as PyTorch's {@code
 * F.scaled_dot_product_attention}; no parameters. See {@link DotProductAttention}.
 */
public final class ScaledDotAttentionProvider implements AttentionUnitProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("scale", 0.0, "factor of the scores; 0 means 1/√Dk as in PyTorch")
              .range(0, Double.MAX_VALUE),
          OptionSpec.number("dropout", 0.0, "dropout probability on the attention weights")
              .range(0, 1));

  /** Cheap; for ServiceLoader. */
  public ScaledDotAttentionProvider() {}

  @Override
  public String name() {
    return "scaled-dot";
  }

  @Override
  public List<String> aliases() {
    return List.of("scaled-dot-product");
  }

  @Override
  public String description() {
    return "scaled dot-product attention: softmax(q·kᵀ/√d + mask)·v, no parameters";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx) {
    String owner = "attention '" + name() + "'";
    Options o = Units.resolve(owner, SCHEMA, options, spec, ctx);
    if (spec.queryDim() != spec.keyDim()) {
      throw new IllegalArgumentException(
          owner
              + ": queries and keys must have the same dimension, got "
              + spec
              + "; use 'dot' with general: true or 'multi-head' to project them");
    }
    double scale = o.getDouble("scale");
    if (Double.isInfinite(scale)) {
      throw new OptionsException("scale", owner + " option 'scale': expected a finite number");
    }
    return new DotProductAttention(
        "scaled-dot attention",
        spec,
        false,
        scale == 0 ? 1.0 / Math.sqrt(spec.keyDim()) : scale,
        Dropouts.check(owner, o.getDouble("dropout")),
        ctx);
  }
}

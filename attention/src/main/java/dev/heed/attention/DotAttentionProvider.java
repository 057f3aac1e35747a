package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Luong's dot-product attention, {@code score = q·k} (or {@code q·W·k} with {@code general}): see
 * {@link DotProductAttention}.
 */
public final class DotAttentionProvider implements AttentionUnitProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.bool(
              "general",
              false,
              "Luong's general score q·W·k with a learned query_proj.weight [Dk, Dq]; needed when"
                  + " Dq != Dk"),
          OptionSpec.number("dropout", 0.0, "dropout probability on the attention weights")
              .range(0, 1));

  /** Cheap; for ServiceLoader. */
  public DotAttentionProvider() {}

  @Override
  public String name() {
    return "dot";
  }

  @Override
  public List<String> aliases() {
    return List.of("luong");
  }

  @Override
  public String description() {
    return "Luong dot-product attention: softmax(q·kᵀ) over the keys (general: q·W·kᵀ)";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx) {
    String owner = "attention '" + name() + "'";
    Options o = Units.resolve(owner, SCHEMA, options, spec, ctx);
    boolean general = o.getBoolean("general");
    if (!general && spec.queryDim() != spec.keyDim()) {
      throw new IllegalArgumentException(
          owner
              + ": queries and keys must have the same dimension for a dot product, got "
              + spec
              + "; set option general: true to learn a projection");
    }
    return new DotProductAttention(
        "dot attention", spec, general, 1.0, Dropouts.check(owner, o.getDouble("dropout")), ctx);
  }
}

package dev.heed.attention;

import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-attention over {@code [B, T, d]} with any attention unit plugin, as a layer: see {@link
 * SelfAttentionLayer}, which passes the padding mask to the unit. The unit is {@code unit: name} or
 * {@code unit: {name: …, <its options>}} and is built with {@code AttentionSpec.self(d)}. The layer
 * keys {@code num_heads}, {@code dropout}, {@code hidden} and {@code bias} are shorthands: when
 * given they set the unit's option of that name, for units that have it (as before units could be
 * given their own options).
 */
public final class SelfAttentionProvider extends BlockProvider {
  private static final List<String> SHORTHANDS = List.of("num_heads", "dropout", "hidden", "bias");

  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.plugin(
              "unit",
              "attention",
              "multi-head",
              "the attention unit: a name (additive, dot, scaled-dot, multi-head, …) or {name: …,"
                  + " <its options>}"),
          OptionSpec.integer("num_heads", null, "shorthand for the unit's num_heads")
              .range(1, Integer.MAX_VALUE)
              .optional(),
          OptionSpec.number("dropout", null, "shorthand for the unit's attention dropout")
              .range(0, 1)
              .optional(),
          OptionSpec.integer("hidden", null, "shorthand for the unit's hidden (additive)")
              .range(0, Integer.MAX_VALUE)
              .optional(),
          OptionSpec.bool("bias", true, "shorthand for the unit's bias").optional(),
          OptionSpec.bool(
              "causal", false, "add a causal mask: position i attends to positions <= i only"));

  /** Cheap; for ServiceLoader. */
  public SelfAttentionProvider() {}

  @Override
  public String name() {
    return "self-attention";
  }

  @Override
  public String description() {
    return "self-attention over [B, T, d] with any attention unit plugin (self_attn.*)";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    Configured<AttentionUnitProvider> unit = o.getPlugin("unit", AttentionUnitProvider.class);
    Options unitOptions = unit.options();
    Map<String, Object> shorthands = new LinkedHashMap<>();
    for (String key : SHORTHANDS) {
      // a shorthand reaches the unit when the unit has that option; other units keep theirs
      if (o.has(key) && unit.provider().options().find(key) != null) {
        shorthands.put(key, o.asMap().get(key));
      }
    }
    if (!shorthands.isEmpty()) {
      unitOptions =
          unit.provider()
              .options()
              .override(owner + " unit '" + unit.name() + "'", unitOptions, shorthands);
    }
    return new SelfAttentionLayer(
        unit.provider().create(unitOptions, AttentionSpec.self(inputFeatures), ctx),
        o.getBoolean("causal"));
  }
}

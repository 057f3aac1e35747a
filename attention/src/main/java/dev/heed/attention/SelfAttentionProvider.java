package dev.heed.attention;

import dev.heed.core.Plugins;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.HashMap;
import java.util.Map;

/**
 * Self-attention over {@code [B, T, d]} with any attention unit by name, as a layer: see {@link
 * SelfAttentionLayer}. The unit is built with {@code AttentionSpec.self(d)}; the options below that
 * the unit also declares are passed to it, the rest keep the unit's defaults.
 */
public final class SelfAttentionProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.string(
              "unit", "multi-head", "the attention unit by name (additive, dot, scaled-dot, …)"),
          OptionSpec.integer("num_heads", 1, "heads, for units that have them (multi-head)")
              .range(1, Integer.MAX_VALUE),
          OptionSpec.number("dropout", 0.0, "attention dropout, for units that take it")
              .range(0, 1),
          OptionSpec.integer("hidden", 0, "tanh layer size of additive attention; 0 means d")
              .range(0, Integer.MAX_VALUE),
          OptionSpec.bool("bias", true, "whether the unit's projections have biases"),
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
    return "self-attention over [B, T, d] with any attention unit by name (self_attn.*)";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    String name = o.getString("unit");
    AttentionUnitProvider unit = Plugins.shared().attentionUnits().get(name);
    Map<String, Object> passed = new HashMap<>();
    for (OptionSpec spec : unit.options().options()) {
      if (SCHEMA.find(spec.name()) != null && !spec.name().equals("unit")) {
        passed.put(spec.name(), o.asMap().get(spec.name()));
      }
    }
    Options unitOptions = unit.options().resolve(owner + " unit '" + name + "'", passed);
    return new SelfAttentionLayer(
        unit.create(unitOptions, AttentionSpec.self(inputFeatures), ctx), o.getBoolean("causal"));
  }
}

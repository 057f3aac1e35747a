package dev.heed.attention;

import dev.heed.core.nn.AttentionLayer;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * {@code type: attention}: self-attention over the layer's input with any attention unit plugin,
 * its parameters under the unit's own names (feature attention gates flat features {@code [B, F]};
 * over sequences {@code [B, T, d]} the padding mask reaches the unit). See {@link AttentionLayer}.
 */
public final class AttentionLayerProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.plugin(
              "unit",
              "attention",
              "feature",
              "the attention unit: a name or {name: …, <its options>}"));

  /** Cheap; for ServiceLoader. */
  public AttentionLayerProvider() {}

  @Override
  public String name() {
    return "attention";
  }

  @Override
  public String description() {
    return "self-attention over the layer's input with any attention unit (the unit's names)";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    Configured<AttentionUnitProvider> unit = o.getPlugin("unit", AttentionUnitProvider.class);
    return new AttentionLayer(
        unit.provider().create(unit.options(), AttentionSpec.self(inputFeatures), ctx));
  }
}

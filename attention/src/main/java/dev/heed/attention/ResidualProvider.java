package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;

/**
 * A residual connection around another layer found by name (with its default options): see {@link
 * Residual}.
 */
public final class ResidualProvider extends BlockProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.plugin(
              "layer",
              "layer",
              "feed-forward",
              "the inner layer by name or {name: …, <its options>}; it must keep the features"),
          OptionSpec.number("dropout", 0.0, "dropout on the inner output before the sum")
              .range(0, 1));

  /** Cheap; for ServiceLoader. */
  public ResidualProvider() {}

  @Override
  public String name() {
    return "residual";
  }

  @Override
  public String description() {
    return "x + dropout(layer(x)) around another layer plugin";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    Configured<LayerProvider> layer = o.getPlugin("layer", LayerProvider.class);
    String inner = layer.name();
    if (inner.equals(name())) {
      throw new OptionsException("layer", owner + " option 'layer': a residual cannot wrap itself");
    }
    LayerProvider p = layer.provider();
    Options defaults = layer.options();
    if (p.outputFeatures(defaults, inputFeatures) != inputFeatures) {
      throw new OptionsException(
          "layer",
          owner
              + " option 'layer': '"
              + inner
              + "' maps "
              + inputFeatures
              + " features to "
              + p.outputFeatures(defaults, inputFeatures)
              + "; a residual needs the same number");
    }
    return new Residual(
        p.create(defaults, inputFeatures, ctx), Dropouts.check(owner, o.getDouble("dropout")));
  }
}

package dev.heed.attention;

import dev.heed.core.Plugins;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
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
          OptionSpec.string(
              "layer", "feed-forward", "name of the inner layer; it must keep the features"),
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
    return "x + dropout(layer(x)) around another layer by name (its default options)";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    String inner = o.getString("layer");
    if (inner.equals(name())) {
      throw new OptionsException("layer", owner + " option 'layer': a residual cannot wrap itself");
    }
    LayerProvider p = Plugins.shared().layers().get(inner);
    Options defaults = p.options().defaults(owner + " inner layer '" + inner + "'");
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

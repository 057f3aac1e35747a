package dev.heed.vision;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Sequential;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;
import java.util.Objects;

/**
 * What the vision layer providers share: the check that the options were resolved against the
 * layer's schema, the owner in messages, and the image a flat input row holds.
 */
abstract class VisionProvider implements LayerProvider {

  /** The options of this layer. */
  abstract OptionsSchema schema();

  /** Builds the layer from checked options. */
  abstract Layer build(String owner, Options o, int inputFeatures, BuildContext ctx);

  /** The output features from checked options. */
  abstract int outputs(String owner, Options o, int inputFeatures);

  /** Option {@code height}: the rows of the image, 0 for a square image. */
  static OptionSpec height() {
    return OptionSpec.integer(
            "height", 0, "rows of the input image when flat rows arrive (0: a square image)")
        .range(0, Integer.MAX_VALUE);
  }

  /** Option {@code activation}: an activation plugin applied after the layer, none if unset. */
  static OptionSpec activation() {
    return OptionSpec.plugin("activation", "activation", null, "applied after (none if unset)")
        .optional();
  }

  /**
   * {@code layer} followed by the activation of option {@code activation} when there is one: a
   * {@link Sequential} that the model builder lays out as two layers, as {@code nn.Sequential(
   * Conv2d(…), ReLU())} numbers them.
   */
  static Layer withActivation(Layer layer, Options o, BuildContext ctx) {
    Configured<ActivationProvider> a = o.getPlugin("activation", ActivationProvider.class);
    return a == null
        ? layer
        : new Sequential(List.of(layer, a.provider().create(a.options(), ctx)));
  }

  /** A positive integer option. */
  static OptionSpec positive(String name, Integer defaultValue, String description) {
    return OptionSpec.integer(name, defaultValue, description).range(1, Integer.MAX_VALUE);
  }

  /** The image of a flat input row of {@code features} elements in {@code channels} channels. */
  static ImageShape image(String owner, Options o, int features, int channels) {
    return ImageShape.of(owner, features, channels, o.getInt("height"));
  }

  @Override
  public final OptionsSchema options() {
    return schema();
  }

  @Override
  public final Layer create(Options options, int inputFeatures, BuildContext ctx) {
    String owner = "layer '" + name() + "'";
    Objects.requireNonNull(options, () -> owner + ": the options are null");
    Objects.requireNonNull(ctx, () -> owner + ": the build context is null");
    if (inputFeatures <= 0) {
      throw new IllegalArgumentException(
          owner + ": the input features must be positive, got " + inputFeatures);
    }
    return build(owner, schema().check(owner, options), inputFeatures, ctx);
  }

  @Override
  public final int outputFeatures(Options options, int inputFeatures) {
    String owner = "layer '" + name() + "'";
    return outputs(owner, schema().check(owner, options), inputFeatures);
  }
}

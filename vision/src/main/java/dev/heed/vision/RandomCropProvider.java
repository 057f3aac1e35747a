package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** {@code type: random-crop}, a seeded training-time shift: see {@link RandomCrop}. */
public final class RandomCropProvider extends VisionProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.integer("padding", 4, "zeros added on every side before cropping")
              .range(0, Integer.MAX_VALUE),
          positive("channels", 1, "channels of the input image"),
          height());

  /** Cheap; for ServiceLoader. */
  public RandomCropProvider() {}

  @Override
  public String name() {
    return "random-crop";
  }

  @Override
  public String description() {
    return "training only: pads each image and crops it back at a seeded random place";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new RandomCrop(
        o.getInt("padding"), image(owner, o, inputFeatures, o.getInt("channels")));
  }

  @Override
  int outputs(String owner, Options o, int inputFeatures) {
    image(owner, o, inputFeatures, o.getInt("channels"));
    return inputFeatures;
  }
}

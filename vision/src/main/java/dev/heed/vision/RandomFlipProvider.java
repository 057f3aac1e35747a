package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** {@code type: random-flip}, a seeded training-time mirror: see {@link RandomFlip}. */
public final class RandomFlipProvider extends VisionProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.number("p", 0.5, "probability of mirroring an image").range(0, 1),
          positive("channels", 1, "channels of the input image"),
          height());

  /** Cheap; for ServiceLoader. */
  public RandomFlipProvider() {}

  @Override
  public String name() {
    return "random-flip";
  }

  @Override
  public String description() {
    return "training only: mirrors each image left to right with probability p (seeded)";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    return new RandomFlip(o.getDouble("p"), image(owner, o, inputFeatures, o.getInt("channels")));
  }

  @Override
  int outputs(String owner, Options o, int inputFeatures) {
    image(owner, o, inputFeatures, o.getInt("channels"));
    return inputFeatures;
  }
}

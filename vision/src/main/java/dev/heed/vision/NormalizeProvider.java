package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** {@code type: normalize}, torchvision's {@code Normalize}: see {@link Normalize}. */
public final class NormalizeProvider extends VisionProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.numbers("mean", null, 0, "per channel, subtracted"),
          OptionSpec.numbers("std", null, 0, "per channel, divided by (positive)"));

  /** Cheap; for ServiceLoader. */
  public NormalizeProvider() {}

  @Override
  public String name() {
    return "normalize";
  }

  @Override
  public String description() {
    return "(x - mean) / std per image channel, torchvision's Normalize";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    outputs(owner, o, inputFeatures);
    return new Normalize(o.getNumbers("mean"), o.getNumbers("std"));
  }

  @Override
  int outputs(String owner, Options o, int inputFeatures) {
    int c = o.getNumbers("mean").length;
    if (o.getNumbers("std").length != c) {
      throw new IllegalArgumentException(
          owner
              + ": mean has "
              + c
              + " values and std "
              + o.getNumbers("std").length
              + ", expected one of each per channel");
    }
    if (inputFeatures % c != 0) {
      throw new IllegalArgumentException(
          owner
              + ": "
              + inputFeatures
              + " input features are not "
              + c
              + " channels of equal size");
    }
    return inputFeatures;
  }
}

package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * {@code type: adaptive-avg-pool2d}, PyTorch's {@code nn.AdaptiveAvgPool2d} with a square output:
 * see {@link AdaptiveAvgPool2d}.
 */
public final class AdaptiveAvgPool2dProvider extends VisionProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          positive("output_size", null, "height and width of the output image"),
          positive("channels", null, "channels of the input image"),
          height());

  /** Cheap; for ServiceLoader. */
  public AdaptiveAvgPool2dProvider() {}

  @Override
  public String name() {
    return "adaptive-avg-pool2d";
  }

  @Override
  public String description() {
    return "averages an image down to a given size, PyTorch's nn.AdaptiveAvgPool2d";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    ImageShape in = image(owner, o, inputFeatures, o.getInt("channels"));
    return new AdaptiveAvgPool2d(o.getInt("output_size"), o.getInt("output_size"), in);
  }

  @Override
  int outputs(String owner, Options o, int inputFeatures) {
    ImageShape in = image(owner, o, inputFeatures, o.getInt("channels"));
    return in.channels() * o.getInt("output_size") * o.getInt("output_size");
  }
}

package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * {@code type: conv2d}, PyTorch's {@code nn.Conv2d} with square kernels ({@link Conv2d}), followed
 * by an optional activation as {@code dense} is.
 */
public final class Conv2dProvider extends VisionProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          positive("in_channels", null, "channels of the input image"),
          positive("out_channels", null, "channels of the output image"),
          positive("kernel_size", null, "height and width of the kernel"),
          positive("stride", 1, "step between windows"),
          OptionSpec.integer("padding", 0, "zeros added on every side").range(0, Integer.MAX_VALUE),
          positive("dilation", 1, "spacing of the kernel's taps"),
          positive("groups", 1, "channel groups (in_channels for a depthwise convolution)"),
          OptionSpec.bool("bias", true, "whether the layer has a bias"),
          activation(),
          height());

  /** Cheap; for ServiceLoader. */
  public Conv2dProvider() {}

  @Override
  public String name() {
    return "conv2d";
  }

  @Override
  public String description() {
    return "a 2-d convolution of images, PyTorch's nn.Conv2d";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  private static int[] pair(Options o, String name) {
    return new int[] {o.getInt(name), o.getInt(name)};
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    ImageShape in = image(owner, o, inputFeatures, o.getInt("in_channels"));
    outputs(owner, o, inputFeatures);
    Conv2d conv =
        new Conv2d(
            in.channels(),
            o.getInt("out_channels"),
            pair(o, "kernel_size"),
            pair(o, "stride"),
            pair(o, "padding"),
            pair(o, "dilation"),
            o.getInt("groups"),
            o.getBoolean("bias"),
            in,
            ctx);
    return withActivation(conv, o, ctx);
  }

  @Override
  int outputs(String owner, Options o, int inputFeatures) {
    ImageShape in = image(owner, o, inputFeatures, o.getInt("in_channels"));
    int k = o.getInt("kernel_size");
    int s = o.getInt("stride");
    int p = o.getInt("padding");
    int d = o.getInt("dilation");
    int groups = o.getInt("groups");
    if (in.channels() % groups != 0 || o.getInt("out_channels") % groups != 0) {
      throw new IllegalArgumentException(
          owner
              + ": groups "
              + groups
              + " must divide in_channels "
              + in.channels()
              + " and out_channels "
              + o.getInt("out_channels"));
    }
    return o.getInt("out_channels")
        * Images.windows(owner, in.height(), k, s, p, d)
        * Images.windows(owner, in.width(), k, s, p, d);
  }
}

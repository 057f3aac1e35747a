package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/** {@code type: conv1d}, PyTorch's {@code nn.Conv1d}: see {@link Conv1d}. */
public final class Conv1dProvider extends VisionProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          positive("in_channels", null, "channels of the input signal"),
          positive("out_channels", null, "channels of the output signal"),
          positive("kernel_size", null, "length of the kernel"),
          positive("stride", 1, "step between windows"),
          OptionSpec.integer("padding", 0, "zeros added at both ends").range(0, Integer.MAX_VALUE),
          positive("dilation", 1, "spacing of the kernel's taps"),
          positive("groups", 1, "channel groups (in_channels for a depthwise convolution)"),
          OptionSpec.bool("bias", true, "whether the layer has a bias"));

  /** Cheap; for ServiceLoader. */
  public Conv1dProvider() {}

  @Override
  public String name() {
    return "conv1d";
  }

  @Override
  public String description() {
    return "a 1-d convolution of signals [batch, channels, length], PyTorch's nn.Conv1d";
  }

  @Override
  OptionsSchema schema() {
    return SCHEMA;
  }

  @Override
  Layer build(String owner, Options o, int inputFeatures, BuildContext ctx) {
    outputs(owner, o, inputFeatures);
    return new Conv1d(
        o.getInt("in_channels"),
        o.getInt("out_channels"),
        o.getInt("kernel_size"),
        o.getInt("stride"),
        o.getInt("padding"),
        o.getInt("dilation"),
        o.getInt("groups"),
        o.getBoolean("bias"),
        ctx);
  }

  @Override
  int outputs(String owner, Options o, int inputFeatures) {
    int c = o.getInt("in_channels");
    if (inputFeatures % c != 0) {
      throw new IllegalArgumentException(
          owner
              + ": "
              + inputFeatures
              + " input features are not "
              + c
              + " channels of equal length");
    }
    int groups = o.getInt("groups");
    if (c % groups != 0 || o.getInt("out_channels") % groups != 0) {
      throw new IllegalArgumentException(
          owner
              + ": groups "
              + groups
              + " must divide in_channels "
              + c
              + " and out_channels "
              + o.getInt("out_channels"));
    }
    return o.getInt("out_channels")
        * Images.windows(
            owner,
            inputFeatures / c,
            o.getInt("kernel_size"),
            o.getInt("stride"),
            o.getInt("padding"),
            o.getInt("dilation"));
  }
}

package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.PyTorchInit;
import dev.heed.core.tensor.Convolution;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's {@code nn.Conv2d}: {@code [N, C, H, W]} to {@code [N, O, oH, oW]} (or flat rows to flat
 * rows, see {@link ImageShape}) through core's {@link Convolution#conv2d}. Parameters {@code weight
 * [O, C/groups, kH, kW]} and {@code bias [O]}, both uniform in {@code ±1/√(C/groups·kH·kW)} as
 * PyTorch initialises them.
 */
final class Conv2d implements Layer {
  private final int in;
  private final int[] stride;
  private final int[] padding;
  private final int[] dilation;
  private final int groups;
  private final ImageShape flat;
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param flat the image of a flat input row, or null to take images only
   */
  Conv2d(
      int in,
      int out,
      int[] kernel,
      int[] stride,
      int[] padding,
      int[] dilation,
      int groups,
      boolean bias,
      ImageShape flat,
      BuildContext ctx) {
    if (groups < 1 || in % groups != 0 || out % groups != 0) {
      throw new IllegalArgumentException(
          "conv2d: groups "
              + groups
              + " must divide in_channels "
              + in
              + " and out_channels "
              + out);
    }
    this.in = in;
    this.stride = stride.clone();
    this.padding = padding.clone();
    this.dilation = dilation.clone();
    this.groups = groups;
    this.flat = flat;
    int fanIn = in / groups * kernel[0] * kernel[1];
    Fan fan = new Fan(fanIn, out / groups * kernel[0] * kernel[1]);
    this.weight =
        Parameter.create(
            ctx, Shape.of(out, in / groups, kernel[0], kernel[1]), PyTorchInit.linear(), fan);
    this.bias = bias ? Parameter.create(ctx, Shape.of(out), PyTorchInit.linear(), fan) : null;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = Images.images("conv2d", input, flat);
    if (x.dim(1) != in) {
      throw new IllegalArgumentException(
          "conv2d: expected " + in + " input channels, got images " + x.shape());
    }
    Tensor y =
        Convolution.conv2d(
            x,
            weight.value(),
            bias == null ? null : bias.value(),
            stride,
            padding,
            dilation,
            groups);
    return Images.like(y, input);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("weight", weight);
    if (bias != null) {
      m.put("bias", bias);
    }
    return m;
  }
}

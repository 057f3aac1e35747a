package dev.heed.vision;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.PyTorchInit;
import dev.heed.core.tensor.Convolution;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's {@code nn.Conv1d}: {@code [N, C, L]} to {@code [N, O, oL]} (or flat rows {@code [N,
 * C·L]} to flat rows) through core's {@link Convolution#conv1d}. Parameters {@code weight [O,
 * C/groups, k]} and {@code bias [O]}, uniform in {@code ±1/√(C/groups·k)}.
 */
final class Conv1d implements Layer {
  private final int in;
  private final int stride;
  private final int padding;
  private final int dilation;
  private final int groups;
  private final Parameter weight;
  private final Parameter bias;

  Conv1d(
      int in,
      int out,
      int kernel,
      int stride,
      int padding,
      int dilation,
      int groups,
      boolean bias,
      BuildContext ctx) {
    if (groups < 1 || in % groups != 0 || out % groups != 0) {
      throw new IllegalArgumentException(
          "conv1d: groups "
              + groups
              + " must divide in_channels "
              + in
              + " and out_channels "
              + out);
    }
    this.in = in;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    Fan fan = new Fan(in / groups * kernel, out / groups * kernel);
    this.weight =
        Parameter.create(ctx, Shape.of(out, in / groups, kernel), PyTorchInit.linear(), fan);
    this.bias = bias ? Parameter.create(ctx, Shape.of(out), PyTorchInit.linear(), fan) : null;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = input;
    if (x.rank() == 2 && x.dim(1) % in == 0) {
      x = Shapes.reshape(x, x.dim(0), in, x.dim(1) / in);
    }
    if (x.rank() != 3 || x.dim(1) != in) {
      throw new IllegalArgumentException(
          "conv1d: expected [batch, "
              + in
              + ", length] or flat rows [batch, "
              + in
              + "·length], got "
              + input.shape());
    }
    Tensor y =
        Convolution.conv1d(
            x,
            weight.value(),
            bias == null ? null : bias.value(),
            stride,
            padding,
            dilation,
            groups);
    return input.rank() == 2 ? Shapes.reshape(y, y.dim(0), -1) : y;
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

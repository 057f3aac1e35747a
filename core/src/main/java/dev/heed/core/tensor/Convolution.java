package dev.heed.core.tensor;

import dev.heed.core.backend.ConvProblem;
import dev.heed.core.backend.FusedConv2d;
import java.util.Optional;

/**
 * Convolution as PyTorch's {@code conv1d} and {@code conv2d} define it ({@link ConvProblem}: a
 * cross-correlation with stride, zero padding, dilation and channel groups). The composite lowers
 * it to im2col and one batched matrix product: the padded input's sliding windows are a view
 * ({@link Windows#unfold}), copied once into columns {@code [groups, Cg·kH·kW, N·oH·oW]} that the
 * weights {@code [groups, Og, Cg·kH·kW]} multiply. Every step is a recorded core operation, so the
 * gradients come from the tape and it runs on every backend. A backend that offers {@link
 * FusedConv2d} for the call computes it in one kernel each way instead.
 */
public final class Convolution {
  private Convolution() {}

  /**
   * {@code conv2d(x, weight, bias)}: {@code x} {@code [N, C, H, W]}, {@code weight} {@code [O,
   * C/groups, kH, kW]}, {@code bias} {@code [O]} or null; the result is {@code [N, O, oH, oW]}.
   *
   * @param stride {@code {strideH, strideW}}
   * @param padding {@code {padH, padW}}, zeros on both sides
   * @param dilation {@code {dilationH, dilationW}}
   * @throws IllegalArgumentException when the shapes do not fit, naming them
   */
  public static Tensor conv2d(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] dilation,
      int groups) {
    ConvProblem p = problem(x, weight, bias, stride, padding, dilation, groups);
    Optional<FusedConv2d> fused = x.backend().capability(FusedConv2d.class);
    if (fused.isPresent() && p.batch() > 0 && fused.get().supports(x.dtype(), p)) {
      return fused(fused.get(), x, weight, bias, p);
    }
    return composite(x, weight, bias, p);
  }

  /** Through the backend's {@link FusedConv2d}; its tape entry runs the fused backward. */
  private static Tensor fused(FusedConv2d f, Tensor x, Tensor weight, Tensor bias, ConvProblem p) {
    Tensor xd = Shapes.dense(x);
    Tensor wd = Shapes.dense(weight);
    Tensor bd = bias == null ? null : Shapes.dense(bias);
    Tensor y =
        Tensor.allocateForOverwrite(
            x.backend(),
            Shape.of(p.batch(), p.outChannels(), p.outHeight(), p.outWidth()),
            x.dtype());
    f.forward(p, xd.buffer(), wd.buffer(), bd == null ? null : bd.buffer(), y.buffer());
    return Autograd.record(
        y,
        "conv2d",
        new Tensor[] {xd, wd},
        g -> {
          Tensor gd = Shapes.dense(g);
          Tensor gx =
              xd.requiresGrad()
                  ? Tensor.allocateForOverwrite(x.backend(), xd.shape(), x.dtype())
                  : null;
          Tensor gw =
              wd.requiresGrad()
                  ? Tensor.allocateForOverwrite(x.backend(), wd.shape(), x.dtype())
                  : null;
          Tensor gb =
              bd != null && bd.requiresGrad()
                  ? Tensor.allocateForOverwrite(x.backend(), bd.shape(), x.dtype())
                  : null;
          f.backward(
              p,
              gd.buffer(),
              xd.buffer(),
              wd.buffer(),
              gx == null ? null : gx.buffer(),
              gw == null ? null : gw.buffer(),
              gb == null ? null : gb.buffer());
          return new Tensor[] {gx, gw, gb};
        },
        xd,
        wd,
        bd);
  }

  /**
   * The composite reference of {@link #conv2d}, whatever the backend offers: what a {@link
   * FusedConv2d} must agree with.
   */
  public static Tensor conv2dComposite(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] dilation,
      int groups) {
    return composite(x, weight, bias, problem(x, weight, bias, stride, padding, dilation, groups));
  }

  /**
   * {@code conv1d(x, weight, bias)}: {@code x} {@code [N, C, L]}, {@code weight} {@code [O,
   * C/groups, k]}, {@code bias} {@code [O]} or null; the result is {@code [N, O, oL]}. Computed as
   * a convolution of height 1.
   */
  public static Tensor conv1d(
      Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
    if (x.rank() != 3 || weight.rank() != 3) {
      throw new IllegalArgumentException(
          "conv1d: expected x [N, C, L] and weight [O, C/groups, k], got "
              + x.shape()
              + " and "
              + weight.shape());
    }
    Tensor y =
        conv2d(
            Shapes.unsqueeze(x, 2),
            Shapes.unsqueeze(weight, 2),
            bias,
            new int[] {1, stride},
            new int[] {0, padding},
            new int[] {1, dilation},
            groups);
    return Shapes.squeeze(y, 2);
  }

  /** Checks the operands against each other and describes the call. */
  static ConvProblem problem(
      Tensor x,
      Tensor weight,
      Tensor bias,
      int[] stride,
      int[] padding,
      int[] dilation,
      int groups) {
    if (x.rank() != 4 || weight.rank() != 4) {
      throw new IllegalArgumentException(
          "conv2d: expected x [N, C, H, W] and weight [O, C/groups, kH, kW], got "
              + x.shape()
              + " and "
              + weight.shape());
    }
    if (stride.length != 2 || padding.length != 2 || dilation.length != 2) {
      throw new IllegalArgumentException(
          "conv2d: stride, padding and dilation each need two values (height, width)");
    }
    Checks.sameDevice("conv2d", x, weight);
    Checks.floating("conv2d", x);
    if (groups < 1 || x.dim(1) != weight.dim(1) * groups) {
      throw new IllegalArgumentException(
          "conv2d: the input "
              + x.shape()
              + " has "
              + x.dim(1)
              + " channels, the weight "
              + weight.shape()
              + " with groups="
              + groups
              + " expects "
              + (long) weight.dim(1) * Math.max(groups, 1));
    }
    if (bias != null) {
      Checks.sameDevice("conv2d", x, bias);
      if (bias.rank() != 1 || bias.dim(0) != weight.dim(0)) {
        throw new IllegalArgumentException(
            "conv2d: the bias " + bias.shape() + " does not fit the weight " + weight.shape());
      }
    }
    return new ConvProblem(
        x.dim(0),
        x.dim(1),
        x.dim(2),
        x.dim(3),
        weight.dim(0),
        weight.dim(2),
        weight.dim(3),
        stride[0],
        stride[1],
        padding[0],
        padding[1],
        dilation[0],
        dilation[1],
        groups);
  }

  /** The reference: padding, im2col through views, one batched product, bias. */
  static Tensor composite(Tensor x, Tensor weight, Tensor bias, ConvProblem p) {
    int n = p.batch();
    int g = p.groups();
    int cg = p.groupInChannels();
    int og = p.groupOutChannels();
    int oh = p.outHeight();
    int ow = p.outWidth();
    int k = cg * p.kernelH() * p.kernelW();
    Tensor xp =
        p.padH() > 0 || p.padW() > 0
            ? Windows.pad(
                x, new int[] {0, 0, p.padH(), p.padW()}, new int[] {0, 0, p.padH(), p.padW()}, 0)
            : x;
    Tensor u = Windows.unfold(xp, 2, p.kernelH(), p.strideH(), p.dilationH());
    u = Windows.unfold(u, 3, p.kernelW(), p.strideW(), p.dilationW()); // [N, C, oH, oW, kH, kW]
    u = Shapes.reshape(u, n, g, cg, oh, ow, p.kernelH(), p.kernelW());
    u = Shapes.permute(u, 1, 2, 5, 6, 0, 3, 4); // [G, Cg, kH, kW, N, oH, oW]
    Tensor cols = Shapes.reshape(u, g, k, n * oh * ow);
    Tensor w = Shapes.reshape(weight, g, og, k);
    Tensor y = Linalg.matmul(w, cols); // [G, Og, N·oH·oW]
    y = Shapes.reshape(y, g, og, n, oh, ow);
    y = Shapes.permute(y, 2, 0, 1, 3, 4);
    y = Shapes.reshape(y, n, p.outChannels(), oh, ow);
    if (bias != null) {
      y = Elementwise.add(y, Shapes.reshape(bias, 1, p.outChannels(), 1, 1));
    }
    return y;
  }
}

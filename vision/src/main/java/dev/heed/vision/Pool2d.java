package dev.heed.vision;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.core.tensor.Windows;

/**
 * PyTorch's {@code nn.MaxPool2d} and {@code nn.AvgPool2d} (floor mode). Max pooling is {@link
 * Windows#maxPool2d}: a window holding a NaN gives NaN, and its gradient goes to its first maximum
 * on ties or to its last NaN, as PyTorch's kernels route it. Average pooling reduces the padded
 * input's windows ({@link Windows#unfold}, a view) by their mean, padding with zeros and dividing
 * by the whole window ({@code count_include_pad=True}) or by the pixels of the image it covers. No
 * parameters.
 */
final class Pool2d implements Layer {
  /** The reduction of a window. */
  enum Kind {
    MAX,
    AVG
  }

  private final Kind kind;
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final int[] dilation;
  private final boolean countIncludePad;
  private final ImageShape flat;

  /**
   * @param flat the image of a flat input row, or null to take images only
   */
  Pool2d(
      Kind kind,
      int[] kernel,
      int[] stride,
      int[] padding,
      int[] dilation,
      boolean countIncludePad,
      ImageShape flat) {
    for (int k = 0; k < 2; k++) {
      if (padding[k] * 2 > kernel[k]) {
        throw new IllegalArgumentException(
            name(kind)
                + ": padding "
                + padding[k]
                + " should be at most half the kernel size "
                + kernel[k]);
      }
    }
    this.kind = kind;
    this.kernel = kernel.clone();
    this.stride = stride.clone();
    this.padding = padding.clone();
    this.dilation = dilation.clone();
    this.countIncludePad = countIncludePad;
    this.flat = flat;
  }

  private static String name(Kind kind) {
    return kind == Kind.MAX ? "max-pool2d" : "avg-pool2d";
  }

  /** The output of an input image. */
  ImageShape output(ImageShape in) {
    String owner = name(kind);
    return new ImageShape(
        in.channels(),
        Images.windows(owner, in.height(), kernel[0], stride[0], padding[0], dilation[0]),
        Images.windows(owner, in.width(), kernel[1], stride[1], padding[1], dilation[1]));
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = Images.images(name(kind), input, flat);
    output(new ImageShape(x.dim(1), x.dim(2), x.dim(3)));
    if (kind == Kind.MAX) {
      return Images.like(Windows.maxPool2d(x, kernel, stride, padding, dilation), input);
    }
    Tensor y = pool(x, 0);
    if (kind == Kind.AVG && !countIncludePad && (padding[0] > 0 || padding[1] > 0)) {
      // the mean over the whole window divided by the share of it that covers the image
      Tensor ones = Tensors.ones(x.backend(), Shape.of(1, 1, x.dim(2), x.dim(3)), x.dtype());
      y = y.div(pool(ones, 0));
    }
    return Images.like(y, input);
  }

  /** The windows of {@code x} padded with {@code fill}, each averaged. */
  private Tensor pool(Tensor x, double fill) {
    if (tiles()) {
      return tiled(x);
    }
    Tensor p =
        padding[0] > 0 || padding[1] > 0
            ? Windows.pad(
                x,
                new int[] {0, 0, padding[0], padding[1]},
                new int[] {0, 0, padding[0], padding[1]},
                fill)
            : x;
    Tensor u = Windows.unfold(p, 2, kernel[0], stride[0], dilation[0]);
    u = Windows.unfold(u, 3, kernel[1], stride[1], dilation[1]); // [N, C, oH, oW, kH, kW]
    u = Shapes.reshape(u, u.dim(0), u.dim(1), u.dim(2), u.dim(3), kernel[0] * kernel[1]);
    return reduce(u, 4);
  }

  private Tensor reduce(Tensor u, int axis) {
    return Reductions.mean(u, axis, false);
  }

  /** Whether the windows tile the image: stride equal to the kernel, no padding, no dilation. */
  private boolean tiles() {
    return stride[0] == kernel[0]
        && stride[1] == kernel[1]
        && padding[0] == 0
        && padding[1] == 0
        && dilation[0] == 1
        && dilation[1] == 1;
  }

  /**
   * Tiling windows without the sliding-window view: the image (cropped to whole tiles, as floor
   * mode does) viewed as {@code [N, C, oH, kH, oW, kW]} and reduced along {@code kW}, then {@code
   * kH}; both reductions read contiguous rows, and the gradient needs no fold. The same mean as one
   * reduction over each window.
   */
  private Tensor tiled(Tensor x) {
    int oh = x.dim(2) / kernel[0];
    int ow = x.dim(3) / kernel[1];
    Tensor t = x;
    if (oh * kernel[0] != x.dim(2)) {
      t = Shapes.slice(t, 2, 0, oh * kernel[0]);
    }
    if (ow * kernel[1] != x.dim(3)) {
      t = Shapes.slice(t, 3, 0, ow * kernel[1]);
    }
    t = Shapes.reshape(t, x.dim(0), x.dim(1), oh, kernel[0], ow, kernel[1]);
    return reduce(reduce(t, 5), 3);
  }
}

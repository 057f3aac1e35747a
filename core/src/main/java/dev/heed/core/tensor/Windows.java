package dev.heed.core.tensor;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.ReduceOp;

/**
 * Sliding windows and constant padding, the pieces of convolution and pooling. {@link #unfold} is a
 * view (windows overlap in memory, so it is read-only) whose gradient {@link #fold}s the windows
 * back, adding where they overlap; {@link #pad} copies into a larger tensor whose gradient is the
 * slice of the interior.
 */
public final class Windows {
  private Windows() {}

  /**
   * PyTorch's {@code Tensor.unfold(axis, size, step)} with a dilation: a view in which {@code axis}
   * holds the {@code L = (n - dilation·(size-1) - 1) / step + 1} window positions and a new last
   * dimension of extent {@code size} holds each window's elements, {@code dilation} apart.
   *
   * @throws IllegalArgumentException when a window does not fit into the axis or an argument is not
   *     positive
   */
  public static Tensor unfold(Tensor x, int axis, int size, int step, int dilation) {
    int a = x.shape().axis(axis);
    int n = x.shape().dim(a);
    if (size < 1 || step < 1 || dilation < 1) {
      throw new IllegalArgumentException(
          "unfold: size "
              + size
              + ", step "
              + step
              + " and dilation "
              + dilation
              + " must be positive");
    }
    long span = (long) dilation * (size - 1) + 1;
    if (span > n) {
      throw new IllegalArgumentException(
          "unfold: a window spans "
              + span
              + " elements (size "
              + size
              + ", dilation "
              + dilation
              + "), more than axis "
              + axis
              + " of "
              + x.shape()
              + " holds");
    }
    int windows = (int) ((n - span) / step + 1);
    Layout l = x.layout();
    int rank = x.rank();
    int[] d = new int[rank + 1];
    long[] st = new long[rank + 1];
    for (int k = 0; k < rank; k++) {
      d[k] = l.dim(k);
      st[k] = l.stride(k);
    }
    d[a] = windows;
    st[a] = l.stride(a) * step;
    d[rank] = size;
    st[rank] = l.stride(a) * dilation;
    Shape original = x.shape();
    return Shapes.view(
        x,
        "unfold",
        new Layout(d, st, l.offset()),
        g -> new Tensor[] {fold(g, original, a, size, step, dilation)});
  }

  /**
   * The adjoint of {@link #unfold}: a tensor of shape {@code shape} in which every element is the
   * sum of the entries of {@code g} (shaped as the unfold of {@code shape}) that view it. Recorded;
   * its gradient is the unfold of the incoming gradient.
   */
  public static Tensor fold(Tensor g, Shape shape, int axis, int size, int step, int dilation) {
    int a = shape.axis(axis);
    int rank = shape.rank();
    long span = (long) dilation * (size - 1) + 1;
    int windows = (int) ((shape.dim(a) - span) / step + 1);
    Shape expected = shape.with(a, windows);
    int[] gd = new int[rank + 1];
    System.arraycopy(expected.dims(), 0, gd, 0, rank);
    gd[rank] = size;
    if (!g.shape().equals(Shape.of(gd))) {
      throw new IllegalArgumentException(
          "fold: the windows "
              + g.shape()
              + " are not the unfold of "
              + shape
              + " ("
              + Shape.of(gd)
              + ")");
    }
    Tensor full = Tensor.allocate(g.backend(), shape, g.dtype());
    long[] cs = Layout.contiguous(shape.dims()).strides();
    long[] dstStrides = cs.clone();
    dstStrides[a] = cs[a] * step;
    Layout gl = g.layout();
    int[] srcDims = expected.dims();
    long[] srcStrides = new long[rank];
    System.arraycopy(gl.strides(), 0, srcStrides, 0, rank);
    for (int k = 0; k < size; k++) {
      Layout dst = new Layout(srcDims, dstStrides, k * dilation * cs[a]);
      Layout src = new Layout(srcDims, srcStrides, gl.offset() + k * gl.stride(rank));
      Kernels.binary(
          g.backend(), BinaryOp.ADD, full.buffer(), dst, g.buffer(), src, full.buffer(), dst);
    }
    return Autograd.recordView(
        full, "fold", gg -> new Tensor[] {unfold(gg, a, size, step, dilation)}, g);
  }

  /**
   * {@code x} inside a tensor of {@code value}: dimension {@code k} grows by {@code before[k]} in
   * front and {@code after[k]} behind (both arrays have {@code x}'s rank; entries are {@code >=
   * 0}). The gradient is the slice of the incoming gradient where {@code x} sits.
   */
  public static Tensor pad(Tensor x, int[] before, int[] after, double value) {
    int rank = x.rank();
    if (before.length != rank || after.length != rank) {
      throw new IllegalArgumentException(
          "pad: "
              + before.length
              + " and "
              + after.length
              + " padding extents for a tensor of rank "
              + rank
              + " "
              + x.shape());
    }
    int[] d = x.shape().dims();
    long inner = 0;
    for (int k = 0; k < rank; k++) {
      if (before[k] < 0 || after[k] < 0) {
        throw new IllegalArgumentException("pad: negative padding for " + x.shape());
      }
      d[k] += before[k] + after[k];
    }
    Shape outShape = Shape.of(d);
    Tensor out = Tensor.allocateForOverwrite(x.backend(), outShape, x.dtype());
    Kernels.fill(x.backend(), out.buffer(), 0, outShape.size(), value);
    long[] cs = Layout.contiguous(d).strides();
    for (int k = 0; k < rank; k++) {
      inner += before[k] * cs[k];
    }
    if (x.size() > 0) {
      Layout interior = new Layout(x.shape().dims(), cs, inner);
      Kernels.copy(x.backend(), x.buffer(), x.layout(), out.buffer(), interior);
    }
    int[] start = before.clone();
    int[] extent = x.shape().dims();
    return Autograd.recordView(
        out,
        "pad",
        g -> {
          Tensor s = g;
          for (int k = 0; k < rank; k++) {
            if (start[k] != 0 || extent[k] != g.dim(k)) {
              s = Shapes.slice(s, k, start[k], start[k] + extent[k]);
            }
          }
          return new Tensor[] {s};
        },
        x);
  }

  /**
   * PyTorch's {@code max_pool2d} (floor mode) of {@code x}, {@code [N, C, H, W]}: the maximum of
   * each {@code kernel[0] x kernel[1]} window, windows {@code stride} apart, their elements {@code
   * dilation} apart, over the image padded by {@code padding} on every side (padding never wins: a
   * window whose image elements are all {@code -∞} takes its first image element). The forward pass
   * records the position in {@code x} of each window's maximum, the first one in window order on
   * ties (PyTorch's rule; a NaN counts as larger than any number), and the result gathers those
   * elements ({@link NeuralOps#indexSelect}); the gradient scatters the output gradient to the same
   * positions in one pass, adding where windows overlap. Off the tape (gradients disabled, or
   * {@code x} needs none) the windows are reduced by their maximum on the device instead: the same
   * values, no indices and no host read.
   *
   * @throws IllegalArgumentException when {@code x} is not of rank 4, an argument is not positive
   *     (padding: negative or more than half the kernel), or no window fits
   */
  @SuppressWarnings("try") // the GradMode resource is only held
  public static Tensor maxPool2d(
      Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException(
          "maxPool2d: the input must be [batch, channels, height, width], got " + x.shape());
    }
    Checks.floating("maxPool2d", x);
    for (int[] a : new int[][] {kernel, stride, padding, dilation}) {
      if (a.length != 2) {
        throw new IllegalArgumentException(
            "maxPool2d: kernel, stride, padding and dilation take 2 entries (height, width)");
      }
    }
    for (int k = 0; k < 2; k++) {
      if (kernel[k] < 1 || stride[k] < 1 || dilation[k] < 1) {
        throw new IllegalArgumentException(
            "maxPool2d: kernel, stride and dilation must be positive, got kernel "
                + kernel[k]
                + ", stride "
                + stride[k]
                + ", dilation "
                + dilation[k]);
      }
      if (padding[k] < 0 || padding[k] * 2 > kernel[k]) {
        throw new IllegalArgumentException(
            "maxPool2d: padding "
                + padding[k]
                + " should lie in [0, "
                + kernel[k] / 2
                + "], at most half the kernel size "
                + kernel[k]);
      }
    }
    int n = x.dim(0);
    int c = x.dim(1);
    int h = x.dim(2);
    int w = x.dim(3);
    if (!GradMode.isEnabled() || !x.requiresGrad()) {
      return maxPool2dValues(x, kernel, stride, padding, dilation);
    }
    int[] arg;
    int oh;
    int ow;
    try (GradMode off = GradMode.disable()) {
      Tensor p =
          padding[0] > 0 || padding[1] > 0
              ? pad(
                  x,
                  new int[] {0, 0, padding[0], padding[1]},
                  new int[] {0, 0, padding[0], padding[1]},
                  Double.NEGATIVE_INFINITY)
              : x;
      Tensor u = unfold(p, 2, kernel[0], stride[0], dilation[0]);
      u = unfold(u, 3, kernel[1], stride[1], dilation[1]); // [N, C, oH, oW, kH, kW]
      oh = u.dim(2);
      ow = u.dim(3);
      u = Shapes.reshape(u, n, c, oh, ow, kernel[0] * kernel[1]);
      arg = Reductions.argmax(u, 4).toIntArray();
    }
    // window-local arg-max -> position in the flat input
    long size = x.size();
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxPool2d: " + x.shape() + " has more than 2^31 - 1 elements");
    }
    int kw = kernel[1];
    int j = 0;
    for (int plane = 0; plane < n * c; plane++) {
      int base = plane * h * w;
      for (int r = 0; r < oh; r++) {
        int top = r * stride[0] - padding[0];
        for (int q = 0; q < ow; q++) {
          int left = q * stride[1] - padding[1];
          int row = top + (arg[j] / kw) * dilation[0];
          int col = left + (arg[j] % kw) * dilation[1];
          if (row < 0 || row >= h || col < 0 || col >= w) {
            // an all -∞ window: its first image element, as PyTorch
            row = top;
            while (row < 0) {
              row += dilation[0];
            }
            col = left;
            while (col < 0) {
              col += dilation[1];
            }
          }
          arg[j++] = base + row * w + col;
        }
      }
    }
    Tensor idx = Tensors.indices(x.backend(), arg, n, c, oh, ow);
    return NeuralOps.indexSelect(Shapes.reshape(x, (int) size), 0, idx);
  }

  /**
   * {@link #maxPool2d}'s values alone, off the tape: the windows reduced by their maximum on the
   * device, with no host read (so a step replay can capture it). Windows that tile the image are
   * viewed as {@code [N, C, oH, kH, oW, kW]} and reduced along {@code kW}, then {@code kH}, both
   * along contiguous rows.
   */
  private static Tensor maxPool2dValues(
      Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    boolean tiles =
        stride[0] == kernel[0]
            && stride[1] == kernel[1]
            && padding[0] == 0
            && padding[1] == 0
            && dilation[0] == 1
            && dilation[1] == 1;
    if (tiles) {
      int oh = x.dim(2) / kernel[0];
      int ow = x.dim(3) / kernel[1];
      if (oh < 1 || ow < 1) {
        throw new IllegalArgumentException(
            "maxPool2d: a window of " + kernel[0] + "x" + kernel[1] + " does not fit " + x.shape());
      }
      Tensor t = x;
      if (oh * kernel[0] != x.dim(2)) {
        t = Shapes.slice(t, 2, 0, oh * kernel[0]);
      }
      if (ow * kernel[1] != x.dim(3)) {
        t = Shapes.slice(t, 3, 0, ow * kernel[1]);
      }
      t = Shapes.reshape(t, x.dim(0), x.dim(1), oh, kernel[0], ow, kernel[1]);
      Tensor rows = Reductions.reduceRaw("maxPool2d", ReduceOp.MAX, t, 5);
      return Reductions.reduceRaw("maxPool2d", ReduceOp.MAX, rows, 3);
    }
    Tensor p =
        padding[0] > 0 || padding[1] > 0
            ? pad(
                x,
                new int[] {0, 0, padding[0], padding[1]},
                new int[] {0, 0, padding[0], padding[1]},
                Double.NEGATIVE_INFINITY)
            : x;
    Tensor u = unfold(p, 2, kernel[0], stride[0], dilation[0]);
    u = unfold(u, 3, kernel[1], stride[1], dilation[1]); // [N, C, oH, oW, kH, kW]
    u = Shapes.reshape(u, u.dim(0), u.dim(1), u.dim(2), u.dim(3), kernel[0] * kernel[1]);
    return Reductions.reduceRaw("maxPool2d", ReduceOp.MAX, u, 4);
  }
}

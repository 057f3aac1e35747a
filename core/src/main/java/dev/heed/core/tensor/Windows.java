package dev.heed.core.tensor;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;

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
}

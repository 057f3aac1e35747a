package dev.heed.core.tensor;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;

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
   * window whose image elements are all {@code -∞} takes its first image element). A window holding
   * a NaN gives NaN. Each window's gradient goes to one of its elements, as PyTorch's kernels route
   * it (they scan the window in row-major order and keep an element when it is larger than the
   * maximum so far or NaN): to the first maximum on ties, and in a window holding NaNs to its last
   * NaN. Windows are independent; where they overlap, their gradients add.
   *
   * <p>Everything runs on the device, with no host read, so a training step through it can be
   * captured and replayed: the forward pass reduces the windows by their maximum; the backward pass
   * compares each window element with its window's maximum and finds its NaNs, keeps the first
   * equal element per window (walking the window positions forward with a "none yet" mask) and the
   * last NaN (walking them backward), and folds the masked output gradient back onto the image
   * ({@link #fold}). Windows that tile the image (stride = kernel, no padding or dilation) run the
   * backend's {@link FusedMaxPool2d} instead where it has one for the type: one kernel each way,
   * with the same values and the same routing.
   *
   * @throws IllegalArgumentException when {@code x} is not of rank 4, an argument is not positive
   *     (padding: negative or more than half the kernel), or no window fits
   */
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
    FusedMaxPool2d fused = tiling(kernel, stride, padding, dilation) ? fusedFor(x) : null;
    if (fused != null) {
      return fusedMaxPool2d(fused, x, kernel);
    }
    Tensor y = maxPool2dValues(x, kernel, stride, padding, dilation);
    int[] k = kernel.clone();
    int[] s = stride.clone();
    int[] p = padding.clone();
    int[] d = dilation.clone();
    return Autograd.record(
        y,
        "maxPool2d",
        new Tensor[] {x, y},
        g -> new Tensor[] {maxPool2dGradient(g, x, y, k, s, p, d)},
        x);
  }

  /** Whether the windows tile the image: stride = kernel, no padding, no dilation. */
  private static boolean tiling(int[] kernel, int[] stride, int[] padding, int[] dilation) {
    return stride[0] == kernel[0]
        && stride[1] == kernel[1]
        && padding[0] == 0
        && padding[1] == 0
        && dilation[0] == 1
        && dilation[1] == 1;
  }

  /** The backend's {@link FusedMaxPool2d} when it handles {@code x}'s type, else null. */
  private static FusedMaxPool2d fusedFor(Tensor x) {
    return x.backend()
        .capability(FusedMaxPool2d.class)
        .filter(f -> f.supports(x.dtype()))
        .orElse(null);
  }

  /**
   * {@link #maxPool2d} over windows that tile the image, through the backend's {@link
   * FusedMaxPool2d}: one kernel forward, one backward (which finds each window's first maximum, or
   * last NaN, again from the input and the output).
   */
  private static Tensor fusedMaxPool2d(FusedMaxPool2d f, Tensor x, int[] kernel) {
    int oh = x.dim(2) / kernel[0];
    int ow = x.dim(3) / kernel[1];
    if (oh < 1 || ow < 1) {
      throw new IllegalArgumentException(
          "maxPool2d: a window of " + kernel[0] + "x" + kernel[1] + " does not fit " + x.shape());
    }
    Tensor xd = Shapes.dense(x);
    int planes = x.dim(0) * x.dim(1);
    int h = x.dim(2);
    int w = x.dim(3);
    int kh = kernel[0];
    int kw = kernel[1];
    Tensor y =
        Tensor.allocateForOverwrite(x.backend(), Shape.of(x.dim(0), x.dim(1), oh, ow), x.dtype());
    if (planes > 0) {
      f.forward(xd.buffer(), planes, h, w, kh, kw, y.buffer());
    }
    return Autograd.record(
        y,
        "maxPool2d",
        new Tensor[] {xd, y},
        g -> {
          Tensor gd = Shapes.dense(g);
          Tensor gx = Tensor.allocateForOverwrite(x.backend(), xd.shape(), x.dtype());
          if (planes > 0) {
            f.backward(gd.buffer(), xd.buffer(), y.buffer(), planes, h, w, kh, kw, gx.buffer());
          }
          return new Tensor[] {gx};
        },
        xd);
  }

  /**
   * The gradient of {@link #maxPool2d} for the output gradient {@code g}: {@code g} of each window
   * placed at the window's first maximum (or, in a window holding NaNs, its last NaN), summed over
   * overlapping windows. Runs with gradients disabled (inside backward).
   */
  private static Tensor maxPool2dGradient(
      Tensor g, Tensor x, Tensor y, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    int n = x.dim(0);
    int c = x.dim(1);
    boolean padded = padding[0] > 0 || padding[1] > 0;
    int[] around = {0, 0, padding[0], padding[1]};
    Tensor u =
        windows(
            padded ? pad(x, around, around, Double.NEGATIVE_INFINITY) : x,
            kernel,
            stride,
            dilation); // [N, C, oH, oW, kH, kW]
    int oh = u.dim(2);
    int ow = u.dim(3);
    // the elements equal to their window's maximum (none in a window holding a NaN, whose maximum
    // is NaN), and the NaNs
    Tensor equal =
        Elementwise.binaryRaw("maxPool2d", BinaryOp.EQ, u, Shapes.reshape(y, n, c, oh, ow, 1, 1));
    Tensor nan = Elementwise.binaryRaw("maxPool2d", BinaryOp.NE, u, u);
    if (padded) {
      // padding (-∞, never NaN) is never a maximum, even where the image's elements are -∞ too
      Tensor image = Tensors.ones(x.backend(), Shape.of(1, 1, x.dim(2), x.dim(3)), x.dtype());
      Tensor inside = windows(pad(image, around, around, 0), kernel, stride, dilation);
      equal = Elementwise.binaryRaw("maxPool2d", BinaryOp.MUL, equal, inside);
    }
    int positions = kernel[0] * kernel[1];
    // the last NaN of each window: walking the window positions backward, 1 at a NaN with no NaN
    // after it
    Tensor[] lastNaN = new Tensor[positions];
    Tensor noneAfter = null; // 1 where no later position of the window holds a NaN
    for (int q = positions - 1; q >= 0; q--) {
      Tensor at = position(nan, kernel, q);
      lastNaN[q] =
          noneAfter == null ? at : Elementwise.binaryRaw("maxPool2d", BinaryOp.MUL, at, noneAfter);
      if (q > 0) {
        Tensor notAt = Elementwise.unaryRaw(UnaryOp.AFFINE, -1, 1, at);
        noneAfter =
            noneAfter == null
                ? notAt
                : Elementwise.binaryRaw("maxPool2d", BinaryOp.MUL, noneAfter, notAt);
      }
    }
    // the first maximum of each window, walking forward; with the last NaN, it takes the window's
    // gradient (a window has one or the other)
    Tensor routed = Tensor.allocateForOverwrite(g.backend(), u.shape(), g.dtype()); // all written
    Tensor noneBefore = null; // 1 where no earlier position of the window equals the maximum
    for (int q = 0; q < positions; q++) {
      Tensor at = position(equal, kernel, q);
      Tensor first =
          noneBefore == null
              ? at
              : Elementwise.binaryRaw("maxPool2d", BinaryOp.MUL, at, noneBefore);
      Tensor take = Elementwise.binaryRaw("maxPool2d", BinaryOp.ADD, first, lastNaN[q]);
      Tensor slot = position(routed, kernel, q);
      Kernels.binary(
          g.backend(),
          BinaryOp.MUL,
          take.buffer(),
          take.layout(),
          g.buffer(),
          Broadcast.layout(g, take.shape()),
          routed.buffer(),
          slot.layout());
      if (q + 1 < positions) {
        Tensor notAt = Elementwise.unaryRaw(UnaryOp.AFFINE, -1, 1, at);
        noneBefore =
            noneBefore == null
                ? notAt
                : Elementwise.binaryRaw("maxPool2d", BinaryOp.MUL, noneBefore, notAt);
      }
    }
    // back onto the padded image, then the image itself
    int hp = x.dim(2) + 2 * padding[0];
    int wp = x.dim(3) + 2 * padding[1];
    Tensor rows =
        fold(routed, Shape.of(n, c, oh, wp, kernel[0]), 3, kernel[1], stride[1], dilation[1]);
    Tensor image = fold(rows, Shape.of(n, c, hp, wp), 2, kernel[0], stride[0], dilation[0]);
    if (!padded) {
      return image;
    }
    Tensor inner = Shapes.slice(image, 2, padding[0], padding[0] + x.dim(2));
    return Shapes.copy(Shapes.slice(inner, 3, padding[1], padding[1] + x.dim(3)));
  }

  /** Window position {@code q} (row-major) of windows {@code [N, C, oH, oW, kH, kW]}: a view. */
  private static Tensor position(Tensor windows, int[] kernel, int q) {
    return Shapes.select(Shapes.select(windows, 5, q % kernel[1]), 4, q / kernel[1]);
  }

  /** The windows of {@code p}, {@code [N, C, H, W]}, as a view {@code [N, C, oH, oW, kH, kW]}. */
  private static Tensor windows(Tensor p, int[] kernel, int[] stride, int[] dilation) {
    Tensor u = unfold(p, 2, kernel[0], stride[0], dilation[0]);
    return unfold(u, 3, kernel[1], stride[1], dilation[1]);
  }

  /**
   * {@link #maxPool2d}'s values (the composite's forward): the windows reduced by their maximum on
   * the device, with no host read. Windows that tile the image are viewed as {@code [N, C, oH, kH,
   * oW, kW]} and reduced along {@code kW}, then {@code kH}, both along contiguous rows.
   */
  private static Tensor maxPool2dValues(
      Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation) {
    if (tiling(kernel, stride, padding, dilation)) {
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
    int[] around = {0, 0, padding[0], padding[1]};
    Tensor u =
        windows(
            padding[0] > 0 || padding[1] > 0 ? pad(x, around, around, Double.NEGATIVE_INFINITY) : x,
            kernel,
            stride,
            dilation);
    u = Shapes.reshape(u, u.dim(0), u.dim(1), u.dim(2), u.dim(3), kernel[0] * kernel[1]);
    return Reductions.reduceRaw("maxPool2d", ReduceOp.MAX, u, 4);
  }
}

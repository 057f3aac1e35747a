package dev.heed.core.tensor;

import dev.heed.core.backend.Layout;

/** Layouts that present a contiguous tensor as broadcast to a larger shape (stride 0). */
final class Broadcast {
  private Broadcast() {}

  /**
   * As {@link #layout(Shape, Shape)}, taking the tensor's own (cached) layout when no broadcast.
   */
  static Layout layout(Tensor src, Shape out) {
    return src.shape().equals(out) ? src.layout() : layout(src.shape(), out);
  }

  /** The layout reading a contiguous tensor of shape {@code src} as shape {@code out}. */
  static Layout layout(Shape src, Shape out) {
    int rank = out.rank();
    int shift = rank - src.rank();
    long[] contiguous = new long[src.rank()];
    long s = 1;
    for (int k = src.rank() - 1; k >= 0; k--) {
      contiguous[k] = s;
      s *= src.dim(k);
    }
    long[] strides = new long[rank];
    for (int k = 0; k < rank; k++) {
      int j = k - shift;
      strides[k] = j < 0 || (src.dim(j) == 1 && out.dim(k) != 1) ? 0 : contiguous[j];
    }
    return new Layout(out.dims(), strides, 0);
  }
}

package dev.heed.core.tensor;

import dev.heed.core.backend.Layout;

/** Layouts that present a tensor as broadcast to a larger shape (stride 0). */
final class Broadcast {
  private Broadcast() {}

  /**
   * The layout reading {@code src} (a view with any strides) as shape {@code out}: its own layout
   * when the shapes agree, otherwise its strides with 0 for the dimensions that broadcast.
   */
  static Layout layout(Tensor src, Shape out) {
    Layout l = src.layout();
    if (src.shape().equals(out)) {
      return l;
    }
    int rank = out.rank();
    int shift = rank - src.rank();
    long[] strides = new long[rank];
    for (int k = 0; k < rank; k++) {
      int j = k - shift;
      strides[k] = j < 0 || (l.dim(j) == 1 && out.dim(k) != 1) ? 0 : l.stride(j);
    }
    return new Layout(out.dims(), strides, l.offset());
  }
}

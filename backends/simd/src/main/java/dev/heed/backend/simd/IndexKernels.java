package dev.heed.backend.simd;

/**
 * {@code gather} (index select) and its adjoint {@code scatterAdd} over {@code [outer, ·, inner]}
 * tensors. Indices are checked before anything is written, so a bad index leaves the output as it
 * was. {@code scatterAdd} accumulates repeated indices in index order.
 */
final class IndexKernels {
  private IndexKernels() {}

  /** Requires every one of the first {@code count} indices to lie in {@code [0, axis)}. */
  static void checkIndices(String kernel, int[] indices, int count, int axis) {
    for (int j = 0; j < count; j++) {
      int index = indices[j];
      if (index < 0 || index >= axis) {
        throw new IllegalArgumentException(
            kernel
                + ": index "
                + index
                + " at position "
                + j
                + " of the indices is outside the valid range [0, "
                + axis
                + ")");
      }
    }
  }

  /** {@code out[o, j, i] = src[o, indices[j], i]}; src and out are arrays of one type. */
  static void gather(
      Object src, int outer, int axis, int inner, int[] indices, int count, Object out) {
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < count; j++) {
        System.arraycopy(src, (o * axis + indices[j]) * inner, out, (o * count + j) * inner, inner);
      }
    }
  }

  /** {@code out[o, indices[j], i] += src[o, j, i]}; src and out are arrays of one type. */
  static void scatterAdd(
      Object src, int outer, int count, int inner, int[] indices, int axis, Object out) {
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < count; j++) {
        int from = (o * count + j) * inner;
        int to = (o * axis + indices[j]) * inner;
        switch (src) {
          case float[] s -> {
            float[] d = (float[]) out;
            for (int i = 0; i < inner; i++) {
              d[to + i] += s[from + i];
            }
          }
          case double[] s -> {
            double[] d = (double[]) out;
            for (int i = 0; i < inner; i++) {
              d[to + i] += s[from + i];
            }
          }
          case int[] s -> {
            int[] d = (int[]) out;
            for (int i = 0; i < inner; i++) {
              d[to + i] += s[from + i];
            }
          }
          default -> throw new IllegalStateException("not a buffer array: " + src);
        }
      }
    }
  }
}

package dev.heed.core.backend.support;

/**
 * {@code gather} (index select) and its adjoint {@code scatterAdd} over {@code [outer, ·, inner]}
 * tensors. The caller checks the indices first ({@code KernelChecks.indices}), so a bad index
 * leaves the output as it was. {@code scatterAdd} accumulates repeated indices in index order.
 */
public final class ReferenceIndex {
  private ReferenceIndex() {}

  /** {@code out[o, j, i] = src[o, indices[j], i]}; src and out are arrays of one type. */
  public static void gather(
      Object src, int outer, int axis, int inner, int[] indices, int count, Object out) {
    if (inner == 1) { // one element per index (a flat gather): a plain loop, no copy call each
      switch (src) {
        case float[] s -> {
          float[] d = (float[]) out;
          for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
              d[o * count + j] = s[o * axis + indices[j]];
            }
          }
          return;
        }
        case double[] s -> {
          double[] d = (double[]) out;
          for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
              d[o * count + j] = s[o * axis + indices[j]];
            }
          }
          return;
        }
        default -> {}
      }
    }
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < count; j++) {
        System.arraycopy(src, (o * axis + indices[j]) * inner, out, (o * count + j) * inner, inner);
      }
    }
  }

  /** {@code out[o, indices[j], i] += src[o, j, i]}; src and out are arrays of one type. */
  public static void scatterAdd(
      Object src, int outer, int count, int inner, int[] indices, int axis, Object out) {
    if (inner == 1) { // one element per index: the type dispatched once, not per index
      switch (src) {
        case float[] s -> {
          float[] d = (float[]) out;
          for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
              d[o * axis + indices[j]] += s[o * count + j];
            }
          }
          return;
        }
        case double[] s -> {
          double[] d = (double[]) out;
          for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
              d[o * axis + indices[j]] += s[o * count + j];
            }
          }
          return;
        }
        default -> {}
      }
    }
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

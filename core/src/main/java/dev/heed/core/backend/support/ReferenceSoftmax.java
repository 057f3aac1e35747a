package dev.heed.core.backend.support;

import dev.heed.core.backend.Layout;

/**
 * {@code softmax} and {@code log-softmax} of a contiguous {@code [outer, axis, inner]} tensor along
 * its middle dimension, computed stably in float64 and rounded once to the buffer type:
 *
 * <pre>
 * m = max_j x[j]      s = Σ_j exp(x[j] - m)
 * softmax[j] = exp(x[j] - m) / s        log-softmax[j] = x[j] - m - ln s
 * </pre>
 *
 * A row that is entirely -∞ has {@code x - m = NaN} and so gives NaN everywhere, as in PyTorch; a
 * -∞ entry in a row with a finite maximum gives 0 (softmax) or -∞ (log-softmax). Three passes
 * (maximum, sum, write) read {@code x} in order and keep {@code inner} partial results, so any
 * shape runs in O(inner) extra memory, and {@code y} may be {@code x}.
 */
public final class ReferenceSoftmax {
  private ReferenceSoftmax() {}

  /**
   * Softmax ({@code log} false) or log-softmax of the view {@code xl} ({@code [outer, axis,
   * inner]}, any strides) of {@code x} into contiguous {@code y}; a view that is not contiguous
   * from element 0 is first copied into a contiguous array.
   *
   * @param x a {@code float[]} or {@code double[]}
   * @param y an array of the same type
   */
  public static void softmax(Object x, Layout xl, boolean log, Object y) {
    Object dense = xl.isContiguous() && xl.offset() == 0 ? x : ReferenceCopy.stage(x, xl);
    int outer = xl.dim(0);
    int axis = xl.dim(1);
    int inner = xl.dim(2);
    if (dense instanceof float[] f) {
      softmax(f, outer, axis, inner, log, (float[]) y);
    } else {
      softmax((double[]) dense, outer, axis, inner, log, (double[]) y);
    }
  }

  /**
   * Softmax ({@code log} false) or log-softmax of contiguous float {@code [outer, axis, inner]}.
   */
  public static void softmax(float[] x, int outer, int axis, int inner, boolean log, float[] y) {
    double[] max = new double[inner];
    double[] sum = new double[inner];
    for (int o = 0; o < outer; o++) {
      int base = o * axis * inner;
      java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
      java.util.Arrays.fill(sum, 0.0);
      for (int j = 0; j < axis; j++) {
        int row = base + j * inner;
        for (int i = 0; i < inner; i++) {
          max[i] = Math.max(max[i], x[row + i]);
        }
      }
      for (int j = 0; j < axis; j++) {
        int row = base + j * inner;
        for (int i = 0; i < inner; i++) {
          sum[i] += Math.exp(x[row + i] - max[i]);
        }
      }
      if (log) {
        for (int i = 0; i < inner; i++) {
          sum[i] = Math.log(sum[i]);
        }
      }
      for (int j = 0; j < axis; j++) {
        int row = base + j * inner;
        for (int i = 0; i < inner; i++) {
          double shifted = x[row + i] - max[i];
          y[row + i] = (float) (log ? shifted - sum[i] : Math.exp(shifted) / sum[i]);
        }
      }
    }
  }

  /**
   * Softmax ({@code log} false) or log-softmax of contiguous double {@code [outer, axis, inner]}.
   */
  public static void softmax(double[] x, int outer, int axis, int inner, boolean log, double[] y) {
    double[] max = new double[inner];
    double[] sum = new double[inner];
    for (int o = 0; o < outer; o++) {
      int base = o * axis * inner;
      java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
      java.util.Arrays.fill(sum, 0.0);
      for (int j = 0; j < axis; j++) {
        int row = base + j * inner;
        for (int i = 0; i < inner; i++) {
          max[i] = Math.max(max[i], x[row + i]);
        }
      }
      for (int j = 0; j < axis; j++) {
        int row = base + j * inner;
        for (int i = 0; i < inner; i++) {
          sum[i] += Math.exp(x[row + i] - max[i]);
        }
      }
      if (log) {
        for (int i = 0; i < inner; i++) {
          sum[i] = Math.log(sum[i]);
        }
      }
      for (int j = 0; j < axis; j++) {
        int row = base + j * inner;
        for (int i = 0; i < inner; i++) {
          double shifted = x[row + i] - max[i];
          y[row + i] = log ? shifted - sum[i] : Math.exp(shifted) / sum[i];
        }
      }
    }
  }
}

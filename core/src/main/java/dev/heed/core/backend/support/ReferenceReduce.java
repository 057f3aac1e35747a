package dev.heed.core.backend.support;

import dev.heed.core.backend.Layout;
import dev.heed.core.backend.ReduceOp;

/**
 * {@code reduce} of a contiguous {@code [outer, axis, inner]} tensor along its middle dimension.
 *
 * <p>Values are combined in float64 whatever the buffer type (a FLOAT32 sum is accumulated in a
 * double and rounded once), in index order. MAX and MIN propagate NaN; ARGMAX and ARGMIN return the
 * first index of the extreme value, and a NaN counts as more extreme than any number (the first NaN
 * wins), as in PyTorch. An empty axis gives 0 for SUM, -∞ for MAX and +∞ for MIN; the caller
 * rejects it for the arg-reductions.
 *
 * <p>Memory is read in order: with {@code inner == 1} each output reduces one contiguous row; with
 * {@code inner > 1} whole rows of {@code inner} elements are combined into a vector of partial
 * results.
 */
public final class ReferenceReduce {
  private ReferenceReduce() {}

  /**
   * Reduces the view {@code xl} ({@code [outer, axis, inner]}, any strides) of {@code x} along its
   * middle dimension into contiguous {@code out}; a view that is not contiguous from element 0 is
   * first copied into a contiguous array.
   *
   * @param x a {@code float[]} or {@code double[]}
   * @param out an array of the type of {@code x}, or {@code int[]} for the arg-reductions
   */
  public static void reduce(ReduceOp op, Object x, Layout xl, Object out) {
    Object dense = xl.isContiguous() && xl.offset() == 0 ? x : ReferenceCopy.stage(x, xl);
    reduce(op, dense, xl.dim(0), xl.dim(1), xl.dim(2), out);
  }

  /**
   * Reduces contiguous {@code [outer, axis, inner]} along its middle dimension.
   *
   * @param x a {@code float[]} or {@code double[]}
   * @param out an array of the type of {@code x}, or {@code int[]} for the arg-reductions
   */
  public static void reduce(ReduceOp op, Object x, int outer, int axis, int inner, Object out) {
    boolean wide = x instanceof double[];
    if (inner == 1) {
      double[] row = wide ? null : new double[axis];
      for (int o = 0; o < outer; o++) {
        double[] src = wide ? (double[]) x : load((float[]) x, o * axis, row, axis);
        int off = wide ? o * axis : 0;
        if (op.producesIndices()) {
          ((int[]) out)[o] = argOfRow(op, src, off, axis);
        } else {
          store(out, o, valueOfRow(op, src, off, axis));
        }
      }
      return;
    }
    double[] acc = new double[inner];
    int[] arg = new int[inner];
    double[] row = wide ? null : new double[inner];
    for (int o = 0; o < outer; o++) {
      start(op, acc, arg);
      for (int j = 0; j < axis; j++) {
        int at = (o * axis + j) * inner;
        double[] src = wide ? (double[]) x : load((float[]) x, at, row, inner);
        combine(op, acc, arg, src, wide ? at : 0, j, inner);
      }
      for (int i = 0; i < inner; i++) {
        if (op.producesIndices()) {
          ((int[]) out)[o * inner + i] = arg[i];
        } else {
          store(out, o * inner + i, acc[i]);
        }
      }
    }
  }

  private static double[] load(float[] x, int from, double[] row, int n) {
    for (int i = 0; i < n; i++) {
      row[i] = x[from + i];
    }
    return row;
  }

  private static void store(Object out, int at, double v) {
    if (out instanceof float[] f) {
      f[at] = (float) v;
    } else {
      ((double[]) out)[at] = v;
    }
  }

  private static double valueOfRow(ReduceOp op, double[] x, int off, int n) {
    double r = identity(op);
    switch (op) {
      case SUM -> {
        for (int j = 0; j < n; j++) {
          r += x[off + j];
        }
      }
      case MAX -> {
        for (int j = 0; j < n; j++) {
          r = Math.max(r, x[off + j]);
        }
      }
      case MIN -> {
        for (int j = 0; j < n; j++) {
          r = Math.min(r, x[off + j]);
        }
      }
      default -> throw new IllegalStateException(op + " is not a value reduction");
    }
    return r;
  }

  private static int argOfRow(ReduceOp op, double[] x, int off, int n) {
    int best = 0;
    double v = x[off];
    for (int j = 1; j < n; j++) {
      double c = x[off + j];
      if (beats(op, c, v)) {
        v = c;
        best = j;
      }
    }
    return best;
  }

  private static void start(ReduceOp op, double[] acc, int[] arg) {
    double id = op.producesIndices() ? Double.NaN : identity(op);
    java.util.Arrays.fill(acc, id);
    java.util.Arrays.fill(arg, 0);
  }

  private static void combine(
      ReduceOp op, double[] acc, int[] arg, double[] x, int off, int j, int inner) {
    switch (op) {
      case SUM -> {
        for (int i = 0; i < inner; i++) {
          acc[i] += x[off + i];
        }
      }
      case MAX -> {
        for (int i = 0; i < inner; i++) {
          acc[i] = Math.max(acc[i], x[off + i]);
        }
      }
      case MIN -> {
        for (int i = 0; i < inner; i++) {
          acc[i] = Math.min(acc[i], x[off + i]);
        }
      }
      case ARGMAX, ARGMIN -> {
        for (int i = 0; i < inner; i++) {
          double c = x[off + i];
          if (j == 0 || beats(op, c, acc[i])) {
            acc[i] = c;
            arg[i] = j;
          }
        }
      }
    }
  }

  /**
   * Whether candidate {@code c} replaces the current extreme {@code v} (later indices must win
   * strictly).
   */
  private static boolean beats(ReduceOp op, double c, double v) {
    if (v != v) {
      return false; // the first NaN stays
    }
    if (c != c) {
      return true;
    }
    return op == ReduceOp.ARGMAX ? c > v : c < v;
  }

  private static double identity(ReduceOp op) {
    return switch (op) {
      case SUM -> 0.0;
      case MAX -> Double.NEGATIVE_INFINITY;
      case MIN -> Double.POSITIVE_INFINITY;
      case ARGMAX, ARGMIN -> throw new IllegalStateException(op + " has no identity");
    };
  }
}

package dev.heed.backend.simd;

import dev.heed.core.backend.Layout;
import jdk.incubator.vector.FloatVector;

/**
 * A rank-4 view {@code [B, H, T, n]} of a float array for {@link SimdFlashAttention}: element
 * {@code (b, h, i, c)} at {@code offset + b·s0 + h·s1 + i·row + c·col}. Indices are ints: a heap
 * buffer holds fewer than 2³¹ elements, and every element of the view is inside it (a stride of a
 * dimension of extent 1 never multiplies a non-zero index).
 */
final class SimdFlashView {
  final float[] a;
  final int offset;
  final int s0;
  final int s1;
  final int row;
  final int col;
  final int[] shape;

  private SimdFlashView(float[] a, int offset, int s0, int s1, int row, int col, int[] shape) {
    this.a = a;
    this.offset = offset;
    this.s0 = s0;
    this.s1 = s1;
    this.row = row;
    this.col = col;
    this.shape = shape;
  }

  /** The view of {@code a} through {@code layout} (rank 4). */
  static SimdFlashView of(float[] a, Layout layout) {
    int[] shape = layout.shape();
    return new SimdFlashView(
        a,
        (int) layout.offset(),
        (int) layout.stride(0),
        (int) layout.stride(1),
        (int) layout.stride(2),
        shape[3] == 1 ? 1 : (int) layout.stride(3),
        shape);
  }

  /** Index of element {@code (b, h, i, 0)}. */
  int at(int b, int h, int i) {
    return offset + b * s0 + h * s1 + i * row;
  }

  /**
   * This view if its rows are contiguous ({@code col == 1}), else a contiguous copy: the operands
   * whose rows are read as vectors.
   */
  SimdFlashView contiguousRows() {
    return col == 1 ? this : copy();
  }

  /** A contiguous copy. */
  private SimdFlashView copy() {
    int n = shape[3];
    int t = shape[2];
    float[] dense = new float[shape[0] * shape[1] * t * n];
    int o = 0;
    for (int b = 0; b < shape[0]; b++) {
      for (int h = 0; h < shape[1]; h++) {
        for (int i = 0; i < t; i++) {
          int src = at(b, h, i);
          for (int c = 0; c < n; c++, o++) {
            dense[o] = a[src + c * col];
          }
        }
      }
    }
    return new SimdFlashView(dense, 0, shape[1] * t * n, t * n, n, 1, shape);
  }

  /**
   * This view if its rows can be read as the rows of a matrix of {@link Gemm} (contiguous, and a
   * row stride at least the row length unless there is one row), else a contiguous copy.
   */
  SimdFlashView gemmRows() {
    if (col == 1 && (row >= shape[3] || shape[2] <= 1)) {
      return this;
    }
    return copy();
  }

  /**
   * The row stride as the leading dimension of a {@link Gemm} product that reads {@code n} rows of
   * a {@link #gemmRows} view: when it reads one, any value at least the row length (the stride is
   * then never used).
   */
  int ld(int n) {
    return n <= 1 ? Math.max(row, shape[3]) : row;
  }

  /**
   * Writes the transposes of the {@code [T, n]} matrices of batch entry {@code b}, head {@code h}
   * into {@code dst} at {@code to} as a row-major {@code [n, T]} matrix (the keys as columns, so
   * that a vector runs over keys): a vector of {@code T} is gathered from {@code L} rows at a time.
   */
  void transposeInto(int b, int h, float[] dst, int to) {
    int t = shape[2];
    int n = shape[3];
    int src = at(b, h, 0);
    int full = SimdFlashGemm.S.loopBound(t);
    if (full > 0) {
      int[] rows = new int[SimdFlashGemm.L];
      for (int l = 0; l < rows.length; l++) {
        rows[l] = l * row;
      }
      for (int c = 0; c < n; c++) {
        int from = src + c * col;
        int into = to + c * t;
        for (int i = 0; i < full; i += SimdFlashGemm.L) {
          FloatVector.fromArray(SimdFlashGemm.S, a, from + i * row, rows, 0)
              .intoArray(dst, into + i);
        }
      }
    }
    for (int i = full; i < t; i++) {
      int s = src + i * row;
      for (int c = 0, d = to + i; c < n; c++, d += t) {
        dst[d] = a[s + c * col];
      }
    }
  }
}

package dev.heed.core.backend.support;

import dev.heed.core.backend.BinaryOp;

/**
 * {@code binary} and {@code where} over strided, broadcasting views. The value is {@link
 * BinaryOp#apply} in float64, rounded once to float for FLOAT32. ADD, SUB, MUL and DIV are written
 * out in the operands' type: a correctly rounded float operation equals the float64 one rounded to
 * float, so the results are identical. Rows whose views are all contiguous get a loop the JIT can
 * vectorise, and so do rows where b is one value (a scalar, or a column broadcast along rows).
 */
public final class ReferenceBinary {
  private ReferenceBinary() {}

  /** {@code o = op(a, b)} over all rows of the walk {@code w} (views a, b, o in that order). */
  public static void binary(BinaryOp op, float[] a, float[] b, float[] o, StridedWalk w) {
    binary(op, a, b, o, w, w.rows());
  }

  /** The first {@code count} rows of the walk {@code w}, from where it stands. */
  public static void binary(
      BinaryOp op, float[] a, float[] b, float[] o, StridedWalk w, long count) {
    int n = w.length();
    int sa = w.stride(0);
    int sb = w.stride(1);
    int so = w.stride(2);
    boolean dense = sa == 1 && sb == 1 && so == 1;
    boolean scalarB = sa == 1 && sb == 0 && so == 1; // a leading vector of b, broadcast along rows
    for (long r = 0; r < count; r++, w.next()) {
      int ai = w.base(0);
      int bi = w.base(1);
      int oi = w.base(2);
      if (dense) {
        dense(op, a, ai, b, bi, o, oi, n);
      } else if (scalarB) {
        scalarB(op, a, ai, b[bi], o, oi, n);
      } else {
        strided(op, a, ai, sa, b, bi, sb, o, oi, so, n);
      }
    }
  }

  /** {@code o = op(a, b)} over all rows of the walk {@code w} (views a, b, o in that order). */
  public static void binary(BinaryOp op, double[] a, double[] b, double[] o, StridedWalk w) {
    int n = w.length();
    int sa = w.stride(0);
    int sb = w.stride(1);
    int so = w.stride(2);
    boolean dense = sa == 1 && sb == 1 && so == 1;
    boolean scalarB = sa == 1 && sb == 0 && so == 1; // a leading vector of b, broadcast along rows
    for (long r = 0; r < w.rows(); r++, w.next()) {
      int ai = w.base(0);
      int bi = w.base(1);
      int oi = w.base(2);
      if (dense) {
        dense(op, a, ai, b, bi, o, oi, n);
      } else if (scalarB) {
        scalarB(op, a, ai, b[bi], o, oi, n);
      } else {
        strided(op, a, ai, sa, b, bi, sb, o, oi, so, n);
      }
    }
  }

  /** {@code o[v] = c[v] != 0 ? a[v] : b[v]}; views in order cond, a, b, out. */
  public static void where(float[] c, float[] a, float[] b, float[] o, StridedWalk w) {
    int n = w.length();
    int sc = w.stride(0);
    int sa = w.stride(1);
    int sb = w.stride(2);
    int so = w.stride(3);
    for (long r = 0; r < w.rows(); r++, w.next()) {
      int ci = w.base(0);
      int ai = w.base(1);
      int bi = w.base(2);
      int oi = w.base(3);
      for (int i = 0; i < n; i++) {
        o[oi + i * so] = c[ci + i * sc] != 0 ? a[ai + i * sa] : b[bi + i * sb];
      }
    }
  }

  /** {@code o[v] = c[v] != 0 ? a[v] : b[v]}; views in order cond, a, b, out. */
  public static void where(double[] c, double[] a, double[] b, double[] o, StridedWalk w) {
    int n = w.length();
    int sc = w.stride(0);
    int sa = w.stride(1);
    int sb = w.stride(2);
    int so = w.stride(3);
    for (long r = 0; r < w.rows(); r++, w.next()) {
      int ci = w.base(0);
      int ai = w.base(1);
      int bi = w.base(2);
      int oi = w.base(3);
      for (int i = 0; i < n; i++) {
        o[oi + i * so] = c[ci + i * sc] != 0 ? a[ai + i * sa] : b[bi + i * sb];
      }
    }
  }

  private static void dense(
      BinaryOp op, float[] a, int ai, float[] b, int bi, float[] o, int oi, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] + b[bi + i];
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] - b[bi + i];
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] * b[bi + i];
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] / b[bi + i];
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = (float) op.apply(a[ai + i], b[bi + i]);
        }
      }
    }
  }

  private static void strided(
      BinaryOp op,
      float[] a,
      int ai,
      int sa,
      float[] b,
      int bi,
      int sb,
      float[] o,
      int oi,
      int so,
      int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = a[ai + i * sa] + b[bi + i * sb];
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = a[ai + i * sa] - b[bi + i * sb];
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = a[ai + i * sa] * b[bi + i * sb];
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = a[ai + i * sa] / b[bi + i * sb];
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = (float) op.apply(a[ai + i * sa], b[bi + i * sb]);
        }
      }
    }
  }

  private static void dense(
      BinaryOp op, double[] a, int ai, double[] b, int bi, double[] o, int oi, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] + b[bi + i];
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] - b[bi + i];
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] * b[bi + i];
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] / b[bi + i];
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = op.apply(a[ai + i], b[bi + i]);
        }
      }
    }
  }

  private static void strided(
      BinaryOp op,
      double[] a,
      int ai,
      int sa,
      double[] b,
      int bi,
      int sb,
      double[] o,
      int oi,
      int so,
      int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = a[ai + i * sa] + b[bi + i * sb];
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = a[ai + i * sa] - b[bi + i * sb];
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = a[ai + i * sa] * b[bi + i * sb];
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = a[ai + i * sa] / b[bi + i * sb];
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          o[oi + i * so] = op.apply(a[ai + i * sa], b[bi + i * sb]);
        }
      }
    }
  }

  private static void scalarB(BinaryOp op, float[] a, int ai, float bv, float[] o, int oi, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] + bv;
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] - bv;
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] * bv;
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] / bv;
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = (float) op.apply(a[ai + i], bv);
        }
      }
    }
  }

  private static void scalarB(
      BinaryOp op, double[] a, int ai, double bv, double[] o, int oi, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] + bv;
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] - bv;
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] * bv;
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = a[ai + i] / bv;
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          o[oi + i] = op.apply(a[ai + i], bv);
        }
      }
    }
  }
}

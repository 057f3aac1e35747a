package dev.heed.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The small products of {@link SimdFlashAttention}'s tiles: {@code C[m×n] = Σ_p A(r, p)·B(p, ·)},
 * or {@code C += …}, where A is read one scalar at a time through any two strides (so a transposed
 * tile of weights or a strided view of queries needs no copy) and the rows of B and C are
 * contiguous. Vectors run along the columns: a register tile of four rows by up to four vectors (or
 * eight rows by two) takes, for each {@code p}, up to four vector loads of B and four (eight)
 * broadcasts of A; the last partial vector of a row is masked. Each element of C is accumulated in
 * the order of {@code p}, starting from C itself when accumulating, so a result depends only on the
 * operands and the sizes.
 */
final class SimdFlashGemm {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  private SimdFlashGemm() {}

  /**
   * {@code C[r, c] (+)= Σ_{p<k} a[a0 + r·ar + p·ap] · b[b0 + p·br + c]} for {@code r < m}, {@code c
   * < n}, with {@code C[r, c]} at {@code c0 + r·cr + c}.
   *
   * @param add whether to add to C (otherwise C is overwritten)
   */
  static void mul(
      int m,
      int n,
      int k,
      float[] a,
      int a0,
      int ar,
      int ap,
      float[] b,
      int b0,
      int br,
      float[] c,
      int c0,
      int cr,
      boolean add) {
    int r = 0;
    for (; r + 8 <= m && n % (4 * L) >= 2 * L; r += 8) {
      // eight rows where a pair of vectors is left after the groups of four: see rows8x2
      int col = 0;
      for (; col + 4 * L <= n; col += 4 * L) {
        rows4x4(k, a, a0 + r * ar, ar, ap, b, b0 + col, br, c, c0 + r * cr + col, cr, add);
        int r4 = r + 4;
        rows4x4(k, a, a0 + r4 * ar, ar, ap, b, b0 + col, br, c, c0 + r4 * cr + col, cr, add);
      }
      rows8x2(k, a, a0 + r * ar, ar, ap, b, b0 + col, br, c, c0 + r * cr + col, cr, add);
      for (col += 2 * L; col < n; col += L) {
        VectorMask<Float> mask = S.indexInRange(col, n);
        rows4x1(k, a, a0 + r * ar, ar, ap, b, b0 + col, br, c, c0 + r * cr + col, cr, add, mask);
        int r4 = r + 4;
        rows4x1(k, a, a0 + r4 * ar, ar, ap, b, b0 + col, br, c, c0 + r4 * cr + col, cr, add, mask);
      }
    }
    for (; r + 4 <= m; r += 4) {
      int col = 0;
      for (; col + 4 * L <= n; col += 4 * L) {
        rows4x4(k, a, a0 + r * ar, ar, ap, b, b0 + col, br, c, c0 + r * cr + col, cr, add);
      }
      if (col + 2 * L <= n) {
        rows4x2(k, a, a0 + r * ar, ar, ap, b, b0 + col, br, c, c0 + r * cr + col, cr, add);
        col += 2 * L;
      }
      for (; col < n; col += L) {
        VectorMask<Float> mask = S.indexInRange(col, n);
        rows4x1(k, a, a0 + r * ar, ar, ap, b, b0 + col, br, c, c0 + r * cr + col, cr, add, mask);
      }
    }
    for (; r < m; r++) {
      int col = 0;
      for (; col + 4 * L <= n; col += 4 * L) {
        row1x4(k, a, a0 + r * ar, ap, b, b0 + col, br, c, c0 + r * cr + col, add);
      }
      for (; col < n; col += L) {
        VectorMask<Float> mask = S.indexInRange(col, n);
        row1x1(k, a, a0 + r * ar, ap, b, b0 + col, br, c, c0 + r * cr + col, add, mask);
      }
    }
  }

  /**
   * {@code C[r, j] = Σ_{p<k} a[a0 + r·ar + p] · b[b0 + j·br + p]} for {@code r < m}, {@code j < n},
   * with {@code C[r, j]} at {@code c0 + r·cr + j}: products of rows, both contiguous, for few rows
   * of A (no transposed copy of B is then worth making). Vectors run along {@code p}, four rows of
   * B at a time, each dot product finished by {@link SimdFlashMath#sum}.
   */
  static void dots(
      int m,
      int n,
      int k,
      float[] a,
      int a0,
      int ar,
      float[] b,
      int b0,
      int br,
      float[] c,
      int c0,
      int cr) {
    int full = S.loopBound(k);
    VectorMask<Float> tail = S.indexInRange(full, k);
    for (int r = 0; r < m; r++) {
      int ra = a0 + r * ar;
      int rc = c0 + r * cr;
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        int rb = b0 + j * br;
        FloatVector x0 = FloatVector.zero(S);
        FloatVector x1 = FloatVector.zero(S);
        FloatVector x2 = FloatVector.zero(S);
        FloatVector x3 = FloatVector.zero(S);
        int p = 0;
        for (; p < full; p += L) {
          FloatVector av = FloatVector.fromArray(S, a, ra + p);
          x0 = FloatVector.fromArray(S, b, rb + p).fma(av, x0);
          x1 = FloatVector.fromArray(S, b, rb + br + p).fma(av, x1);
          x2 = FloatVector.fromArray(S, b, rb + 2 * br + p).fma(av, x2);
          x3 = FloatVector.fromArray(S, b, rb + 3 * br + p).fma(av, x3);
        }
        if (p < k) {
          FloatVector av = FloatVector.fromArray(S, a, ra + p, tail);
          x0 = FloatVector.fromArray(S, b, rb + p, tail).fma(av, x0);
          x1 = FloatVector.fromArray(S, b, rb + br + p, tail).fma(av, x1);
          x2 = FloatVector.fromArray(S, b, rb + 2 * br + p, tail).fma(av, x2);
          x3 = FloatVector.fromArray(S, b, rb + 3 * br + p, tail).fma(av, x3);
        }
        c[rc + j] = SimdFlashMath.sum(x0);
        c[rc + j + 1] = SimdFlashMath.sum(x1);
        c[rc + j + 2] = SimdFlashMath.sum(x2);
        c[rc + j + 3] = SimdFlashMath.sum(x3);
      }
      for (; j < n; j++) {
        int rb = b0 + j * br;
        FloatVector x = FloatVector.zero(S);
        int p = 0;
        for (; p < full; p += L) {
          x = FloatVector.fromArray(S, b, rb + p).fma(FloatVector.fromArray(S, a, ra + p), x);
        }
        if (p < k) {
          x =
              FloatVector.fromArray(S, b, rb + p, tail)
                  .fma(FloatVector.fromArray(S, a, ra + p, tail), x);
        }
        c[rc + j] = SimdFlashMath.sum(x);
      }
    }
  }

  private static FloatVector start(boolean add, float[] c, int at) {
    return add ? FloatVector.fromArray(S, c, at) : FloatVector.zero(S);
  }

  private static FloatVector start(boolean add, float[] c, int at, VectorMask<Float> mask) {
    return add ? FloatVector.fromArray(S, c, at, mask) : FloatVector.zero(S);
  }

  /** Four rows by four full vectors. */
  private static void rows4x4(
      int k,
      float[] a,
      int a0,
      int ar,
      int ap,
      float[] b,
      int b0,
      int br,
      float[] c,
      int c0,
      int cr,
      boolean add) {
    int c1 = c0 + cr;
    int c2 = c1 + cr;
    int c3 = c2 + cr;
    FloatVector x00 = start(add, c, c0);
    FloatVector x01 = start(add, c, c0 + L);
    FloatVector x02 = start(add, c, c0 + 2 * L);
    FloatVector x03 = start(add, c, c0 + 3 * L);
    FloatVector x10 = start(add, c, c1);
    FloatVector x11 = start(add, c, c1 + L);
    FloatVector x12 = start(add, c, c1 + 2 * L);
    FloatVector x13 = start(add, c, c1 + 3 * L);
    FloatVector x20 = start(add, c, c2);
    FloatVector x21 = start(add, c, c2 + L);
    FloatVector x22 = start(add, c, c2 + 2 * L);
    FloatVector x23 = start(add, c, c2 + 3 * L);
    FloatVector x30 = start(add, c, c3);
    FloatVector x31 = start(add, c, c3 + L);
    FloatVector x32 = start(add, c, c3 + 2 * L);
    FloatVector x33 = start(add, c, c3 + 3 * L);
    int pa = a0;
    int pb = b0;
    for (int p = 0; p < k; p++, pa += ap, pb += br) {
      FloatVector b0v = FloatVector.fromArray(S, b, pb);
      FloatVector b1v = FloatVector.fromArray(S, b, pb + L);
      FloatVector b2v = FloatVector.fromArray(S, b, pb + 2 * L);
      FloatVector b3v = FloatVector.fromArray(S, b, pb + 3 * L);
      FloatVector s = FloatVector.broadcast(S, a[pa]);
      x00 = b0v.fma(s, x00);
      x01 = b1v.fma(s, x01);
      x02 = b2v.fma(s, x02);
      x03 = b3v.fma(s, x03);
      s = FloatVector.broadcast(S, a[pa + ar]);
      x10 = b0v.fma(s, x10);
      x11 = b1v.fma(s, x11);
      x12 = b2v.fma(s, x12);
      x13 = b3v.fma(s, x13);
      s = FloatVector.broadcast(S, a[pa + 2 * ar]);
      x20 = b0v.fma(s, x20);
      x21 = b1v.fma(s, x21);
      x22 = b2v.fma(s, x22);
      x23 = b3v.fma(s, x23);
      s = FloatVector.broadcast(S, a[pa + 3 * ar]);
      x30 = b0v.fma(s, x30);
      x31 = b1v.fma(s, x31);
      x32 = b2v.fma(s, x32);
      x33 = b3v.fma(s, x33);
    }
    x00.intoArray(c, c0);
    x01.intoArray(c, c0 + L);
    x02.intoArray(c, c0 + 2 * L);
    x03.intoArray(c, c0 + 3 * L);
    x10.intoArray(c, c1);
    x11.intoArray(c, c1 + L);
    x12.intoArray(c, c1 + 2 * L);
    x13.intoArray(c, c1 + 3 * L);
    x20.intoArray(c, c2);
    x21.intoArray(c, c2 + L);
    x22.intoArray(c, c2 + 2 * L);
    x23.intoArray(c, c2 + 3 * L);
    x30.intoArray(c, c3);
    x31.intoArray(c, c3 + L);
    x32.intoArray(c, c3 + 2 * L);
    x33.intoArray(c, c3 + 3 * L);
  }

  /** Four rows by two full vectors. */
  private static void rows4x2(
      int k,
      float[] a,
      int a0,
      int ar,
      int ap,
      float[] b,
      int b0,
      int br,
      float[] c,
      int c0,
      int cr,
      boolean add) {
    int c1 = c0 + cr;
    int c2 = c1 + cr;
    int c3 = c2 + cr;
    FloatVector x00 = start(add, c, c0);
    FloatVector x01 = start(add, c, c0 + L);
    FloatVector x10 = start(add, c, c1);
    FloatVector x11 = start(add, c, c1 + L);
    FloatVector x20 = start(add, c, c2);
    FloatVector x21 = start(add, c, c2 + L);
    FloatVector x30 = start(add, c, c3);
    FloatVector x31 = start(add, c, c3 + L);
    int pa = a0;
    int pb = b0;
    for (int p = 0; p < k; p++, pa += ap, pb += br) {
      FloatVector b0v = FloatVector.fromArray(S, b, pb);
      FloatVector b1v = FloatVector.fromArray(S, b, pb + L);
      FloatVector s = FloatVector.broadcast(S, a[pa]);
      x00 = b0v.fma(s, x00);
      x01 = b1v.fma(s, x01);
      s = FloatVector.broadcast(S, a[pa + ar]);
      x10 = b0v.fma(s, x10);
      x11 = b1v.fma(s, x11);
      s = FloatVector.broadcast(S, a[pa + 2 * ar]);
      x20 = b0v.fma(s, x20);
      x21 = b1v.fma(s, x21);
      s = FloatVector.broadcast(S, a[pa + 3 * ar]);
      x30 = b0v.fma(s, x30);
      x31 = b1v.fma(s, x31);
    }
    x00.intoArray(c, c0);
    x01.intoArray(c, c0 + L);
    x10.intoArray(c, c1);
    x11.intoArray(c, c1 + L);
    x20.intoArray(c, c2);
    x21.intoArray(c, c2 + L);
    x30.intoArray(c, c3);
    x31.intoArray(c, c3 + L);
  }

  /**
   * Eight rows by two full vectors: sixteen accumulators, two loads and eight broadcasts for
   * sixteen multiply-adds (four rows by two take six for eight, and the loads bound the loop).
   */
  private static void rows8x2(
      int k,
      float[] a,
      int a0,
      int ar,
      int ap,
      float[] b,
      int b0,
      int br,
      float[] c,
      int c0,
      int cr,
      boolean add) {
    int c1 = c0 + cr;
    int c2 = c1 + cr;
    int c3 = c2 + cr;
    int c4 = c3 + cr;
    int c5 = c4 + cr;
    int c6 = c5 + cr;
    int c7 = c6 + cr;
    FloatVector x00 = start(add, c, c0);
    FloatVector x01 = start(add, c, c0 + L);
    FloatVector x10 = start(add, c, c1);
    FloatVector x11 = start(add, c, c1 + L);
    FloatVector x20 = start(add, c, c2);
    FloatVector x21 = start(add, c, c2 + L);
    FloatVector x30 = start(add, c, c3);
    FloatVector x31 = start(add, c, c3 + L);
    FloatVector x40 = start(add, c, c4);
    FloatVector x41 = start(add, c, c4 + L);
    FloatVector x50 = start(add, c, c5);
    FloatVector x51 = start(add, c, c5 + L);
    FloatVector x60 = start(add, c, c6);
    FloatVector x61 = start(add, c, c6 + L);
    FloatVector x70 = start(add, c, c7);
    FloatVector x71 = start(add, c, c7 + L);
    int pa = a0;
    int pb = b0;
    for (int p = 0; p < k; p++, pa += ap, pb += br) {
      FloatVector b0v = FloatVector.fromArray(S, b, pb);
      FloatVector b1v = FloatVector.fromArray(S, b, pb + L);
      FloatVector s = FloatVector.broadcast(S, a[pa]);
      x00 = b0v.fma(s, x00);
      x01 = b1v.fma(s, x01);
      s = FloatVector.broadcast(S, a[pa + ar]);
      x10 = b0v.fma(s, x10);
      x11 = b1v.fma(s, x11);
      s = FloatVector.broadcast(S, a[pa + 2 * ar]);
      x20 = b0v.fma(s, x20);
      x21 = b1v.fma(s, x21);
      s = FloatVector.broadcast(S, a[pa + 3 * ar]);
      x30 = b0v.fma(s, x30);
      x31 = b1v.fma(s, x31);
      s = FloatVector.broadcast(S, a[pa + 4 * ar]);
      x40 = b0v.fma(s, x40);
      x41 = b1v.fma(s, x41);
      s = FloatVector.broadcast(S, a[pa + 5 * ar]);
      x50 = b0v.fma(s, x50);
      x51 = b1v.fma(s, x51);
      s = FloatVector.broadcast(S, a[pa + 6 * ar]);
      x60 = b0v.fma(s, x60);
      x61 = b1v.fma(s, x61);
      s = FloatVector.broadcast(S, a[pa + 7 * ar]);
      x70 = b0v.fma(s, x70);
      x71 = b1v.fma(s, x71);
    }
    x00.intoArray(c, c0);
    x01.intoArray(c, c0 + L);
    x10.intoArray(c, c1);
    x11.intoArray(c, c1 + L);
    x20.intoArray(c, c2);
    x21.intoArray(c, c2 + L);
    x30.intoArray(c, c3);
    x31.intoArray(c, c3 + L);
    x40.intoArray(c, c4);
    x41.intoArray(c, c4 + L);
    x50.intoArray(c, c5);
    x51.intoArray(c, c5 + L);
    x60.intoArray(c, c6);
    x61.intoArray(c, c6 + L);
    x70.intoArray(c, c7);
    x71.intoArray(c, c7 + L);
  }

  /** Four rows by one vector, of which the lanes of {@code mask} are in range. */
  private static void rows4x1(
      int k,
      float[] a,
      int a0,
      int ar,
      int ap,
      float[] b,
      int b0,
      int br,
      float[] c,
      int c0,
      int cr,
      boolean add,
      VectorMask<Float> mask) {
    int c1 = c0 + cr;
    int c2 = c1 + cr;
    int c3 = c2 + cr;
    FloatVector x0 = start(add, c, c0, mask);
    FloatVector x1 = start(add, c, c1, mask);
    FloatVector x2 = start(add, c, c2, mask);
    FloatVector x3 = start(add, c, c3, mask);
    int pa = a0;
    int pb = b0;
    for (int p = 0; p < k; p++, pa += ap, pb += br) {
      FloatVector bv = FloatVector.fromArray(S, b, pb, mask);
      x0 = bv.fma(FloatVector.broadcast(S, a[pa]), x0);
      x1 = bv.fma(FloatVector.broadcast(S, a[pa + ar]), x1);
      x2 = bv.fma(FloatVector.broadcast(S, a[pa + 2 * ar]), x2);
      x3 = bv.fma(FloatVector.broadcast(S, a[pa + 3 * ar]), x3);
    }
    x0.intoArray(c, c0, mask);
    x1.intoArray(c, c1, mask);
    x2.intoArray(c, c2, mask);
    x3.intoArray(c, c3, mask);
  }

  /** One row by four full vectors. */
  private static void row1x4(
      int k, float[] a, int a0, int ap, float[] b, int b0, int br, float[] c, int c0, boolean add) {
    FloatVector x0 = start(add, c, c0);
    FloatVector x1 = start(add, c, c0 + L);
    FloatVector x2 = start(add, c, c0 + 2 * L);
    FloatVector x3 = start(add, c, c0 + 3 * L);
    int pa = a0;
    int pb = b0;
    for (int p = 0; p < k; p++, pa += ap, pb += br) {
      FloatVector s = FloatVector.broadcast(S, a[pa]);
      x0 = FloatVector.fromArray(S, b, pb).fma(s, x0);
      x1 = FloatVector.fromArray(S, b, pb + L).fma(s, x1);
      x2 = FloatVector.fromArray(S, b, pb + 2 * L).fma(s, x2);
      x3 = FloatVector.fromArray(S, b, pb + 3 * L).fma(s, x3);
    }
    x0.intoArray(c, c0);
    x1.intoArray(c, c0 + L);
    x2.intoArray(c, c0 + 2 * L);
    x3.intoArray(c, c0 + 3 * L);
  }

  /** One row by one vector, of which the lanes of {@code mask} are in range. */
  private static void row1x1(
      int k,
      float[] a,
      int a0,
      int ap,
      float[] b,
      int b0,
      int br,
      float[] c,
      int c0,
      boolean add,
      VectorMask<Float> mask) {
    FloatVector x = start(add, c, c0, mask);
    int pa = a0;
    int pb = b0;
    for (int p = 0; p < k; p++, pa += ap, pb += br) {
      x = FloatVector.fromArray(S, b, pb, mask).fma(FloatVector.broadcast(S, a[pa]), x);
    }
    x.intoArray(c, c0, mask);
  }
}

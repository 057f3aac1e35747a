package dev.heed.backend.simd;

import dev.heed.core.backend.MatmulSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code matmul} for a narrow C (at most {@link #MAX_COLUMNS} columns) with a row-major A,
 * such as a classifier layer {@code x·Wᵀ} with ten outputs: every element of C is a dot product of
 * a row of A and a column of {@code op(B)}, both contiguous along {@code k} (a B that is not
 * transposed is first transposed into a per-thread copy, which is small when C is narrow). {@link
 * Gemm}'s register tile is {@code 2·L} columns wide, so a ten-column C would use a third of it;
 * here a 4 × 4 block of C is sixteen vector accumulators over {@code k} (four loads of A and four
 * of B feed sixteen FMAs), summed across lanes at the end in {@link VecMath#sum}'s fixed order
 * (sixteen at once, {@link VecMath#sums16}) (the same bits interpreted or compiled); the last
 * {@code k % L} of the depth is added by scalar code. Blocks at the edges repeat the last row or
 * column and drop the repeated results. Accumulation is in float; the order differs from the
 * reference (lanes, then across lanes), within the contract's tolerance.
 */
final class NarrowGemm {
  private NarrowGemm() {}

  static final VectorSpecies<Float> S = Gemm.S;
  static final int L = Gemm.L;

  /** The widest C this kernel takes. */
  static final int MAX_COLUMNS = 16;

  /** Per-thread scratch: a transposed B, one block's sixteen accumulators and their sums. */
  private static final class Scratch {
    float[] bt = new float[1024];
    final float[] acc = new float[16 * L];
    final float[] out = new float[16];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * Whether this kernel takes {@code s}: a row-major A, a narrow C, a depth of a vector or more.
   */
  static boolean takes(MatmulSpec s) {
    return !s.transA() && s.n() <= MAX_COLUMNS && s.k() >= L;
  }

  /** {@code C = alpha·A·op(B) + beta·C} for each matrix of {@code s} (see {@link #takes}). */
  static void matmul(Workers workers, MatmulSpec s, float[] a, float[] b, float[] c) {
    int m = s.m();
    int blocks = (m + 3) / 4;
    int batch = s.batch();
    boolean parallel =
        workers.threads() > 1 && (long) batch * m * s.n() * s.k() >= Gemm.PARALLEL_MIN_FMAS;
    int chunks = parallel ? Math.min(blocks, workers.threads()) : 1;
    int perChunk = (blocks + chunks - 1) / chunks;
    workers.parallelFor(
        parallel,
        batch * chunks,
        task -> {
          int t = task / chunks;
          int from = (task % chunks) * perChunk * 4;
          int to = Math.min(m, from + perChunk * 4);
          if (from < to) {
            one(s, t, a, b, c, from, to);
          }
        });
  }

  /** Rows {@code [from, to)} of matrix {@code t}. */
  private static void one(MatmulSpec s, int t, float[] a, float[] b, float[] c, int from, int to) {
    int n = s.n();
    int k = s.k();
    int ao = (int) (s.aOffset() + t * s.aBatchStride());
    int bo = (int) (s.bOffset() + t * s.bBatchStride());
    int co = (int) (s.cOffset() + t * s.cBatchStride());
    int lda = s.lda();
    int ldb = s.ldb();
    Scratch scratch = SCRATCH.get();
    float[] bt = b;
    if (!s.transB()) {
      // op(B) = B [k, n]: its columns, as rows of a [n, k] copy
      if (scratch.bt.length < n * k) {
        scratch.bt = new float[n * k];
      }
      bt = scratch.bt;
      for (int p = 0; p < k; p++) {
        for (int j = 0; j < n; j++) {
          bt[j * k + p] = b[bo + p * ldb + j];
        }
      }
      bo = 0;
      ldb = k;
    }
    int m = s.m();
    float alpha = (float) s.alpha();
    float beta = (float) s.beta();
    boolean keep = s.beta() != 0;
    int kv = k - k % L;
    float[] acc = scratch.acc;
    float[] out = scratch.out;
    for (int i0 = from; i0 < to; i0 += 4) {
      for (int j0 = 0; j0 < n; j0 += 4) {
        block(a, ao, lda, m, i0, bt, bo, ldb, n, j0, kv, acc);
        // summed here rather than in block: there the compiler, having inlined the loop, stops
        // inlining before the sums are done and passes their vectors to calls, boxed
        VecMath.sums16(acc, out);
        if (kv < k) {
          tail(a, ao, lda, k, m, i0, bt, bo, ldb, n, j0, kv, out);
        }
        for (int di = 0; di < 4 && i0 + di < to; di++) {
          int crow = co + (i0 + di) * n;
          for (int dj = 0; dj < 4 && j0 + dj < n; dj++) {
            float v = alpha * out[di * 4 + dj];
            int at = crow + j0 + dj;
            c[at] = keep ? v + beta * c[at] : v;
          }
        }
      }
    }
  }

  /**
   * {@code acc[(4·di + dj)·L + l] = Σ_{p ≡ l (mod L), p < kv} A[i0+di, p]·Bt[j0+dj, p]} (rows of A
   * {@code lda} apart, rows of Bt {@code ldb} apart), rows and columns past the edge clamped to the
   * last one: sixteen vectors of partial dot products, each lane a chain of fused multiply-adds.
   */
  private static void block(
      float[] a,
      int ao,
      int lda,
      int m,
      int i0,
      float[] bt,
      int bo,
      int ldb,
      int n,
      int j0,
      int kv,
      float[] acc) {
    int a0 = ao + i0 * lda;
    int a1 = ao + Math.min(i0 + 1, m - 1) * lda;
    int a2 = ao + Math.min(i0 + 2, m - 1) * lda;
    int a3 = ao + Math.min(i0 + 3, m - 1) * lda;
    int b0 = bo + j0 * ldb;
    int b1 = bo + Math.min(j0 + 1, n - 1) * ldb;
    int b2 = bo + Math.min(j0 + 2, n - 1) * ldb;
    int b3 = bo + Math.min(j0 + 3, n - 1) * ldb;
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z, c01 = z, c02 = z, c03 = z;
    FloatVector c10 = z, c11 = z, c12 = z, c13 = z;
    FloatVector c20 = z, c21 = z, c22 = z, c23 = z;
    FloatVector c30 = z, c31 = z, c32 = z, c33 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
      FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
      FloatVector x2 = FloatVector.fromArray(S, a, a2 + p);
      FloatVector x3 = FloatVector.fromArray(S, a, a3 + p);
      FloatVector y0 = FloatVector.fromArray(S, bt, b0 + p);
      FloatVector y1 = FloatVector.fromArray(S, bt, b1 + p);
      FloatVector y2 = FloatVector.fromArray(S, bt, b2 + p);
      FloatVector y3 = FloatVector.fromArray(S, bt, b3 + p);
      c00 = x0.fma(y0, c00);
      c01 = x0.fma(y1, c01);
      c02 = x0.fma(y2, c02);
      c03 = x0.fma(y3, c03);
      c10 = x1.fma(y0, c10);
      c11 = x1.fma(y1, c11);
      c12 = x1.fma(y2, c12);
      c13 = x1.fma(y3, c13);
      c20 = x2.fma(y0, c20);
      c21 = x2.fma(y1, c21);
      c22 = x2.fma(y2, c22);
      c23 = x2.fma(y3, c23);
      c30 = x3.fma(y0, c30);
      c31 = x3.fma(y1, c31);
      c32 = x3.fma(y2, c32);
      c33 = x3.fma(y3, c33);
    }
    c00.intoArray(acc, 0);
    c01.intoArray(acc, L);
    c02.intoArray(acc, 2 * L);
    c03.intoArray(acc, 3 * L);
    c10.intoArray(acc, 4 * L);
    c11.intoArray(acc, 5 * L);
    c12.intoArray(acc, 6 * L);
    c13.intoArray(acc, 7 * L);
    c20.intoArray(acc, 8 * L);
    c21.intoArray(acc, 9 * L);
    c22.intoArray(acc, 10 * L);
    c23.intoArray(acc, 11 * L);
    c30.intoArray(acc, 12 * L);
    c31.intoArray(acc, 13 * L);
    c32.intoArray(acc, 14 * L);
    c33.intoArray(acc, 15 * L);
  }

  /**
   * {@code out[4·di + dj] += Σ_{kv <= p < k} A[i0+di, p]·Bt[j0+dj, p]}: the last {@code k % L} of
   * the depth, scalar, each sum in float in the order of {@code p} (a vector copy of the loop body
   * would make {@link #block} too large for the first JIT tier, leaving it interpreted until the
   * second).
   */
  private static void tail(
      float[] a,
      int ao,
      int lda,
      int k,
      int m,
      int i0,
      float[] bt,
      int bo,
      int ldb,
      int n,
      int j0,
      int kv,
      float[] out) {
    for (int r = 0; r < 4; r++) {
      int row = ao + Math.min(i0 + r, m - 1) * lda;
      for (int c = 0; c < 4; c++) {
        int col = bo + Math.min(j0 + c, n - 1) * ldb;
        float t = 0f;
        for (int p = kv; p < k; p++) {
          t += a[row + p] * bt[col + p];
        }
        out[r * 4 + c] += t;
      }
    }
  }
}

package dev.heed.backend.simd;

import dev.heed.core.backend.MatmulSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code matmul} for products too small for packed panels (a seed-sized layer: a few hundred
 * multiply-adds per matrix): one dot product per element of C, read where the operands lie in any
 * of the four transpose combinations, with no scratch arrays. Each dot product accumulates in float
 * in the order {@code p = 0 … k-1}, rounding every product and every sum, as the reference backend
 * does, so the results are the reference's bit for bit. Where a row of op(B) is contiguous, the row
 * of C is accumulated in vectors (masked at its end), each lane in that same order with a multiply
 * and an add, so still bit for bit.
 */
final class SmallGemm {
  private SmallGemm() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[64]);

  private static float[] row(int n) {
    float[] r = ROW.get();
    if (r.length < n) {
      r = new float[n];
      ROW.set(r);
    }
    return r;
  }

  /** {@code C = alpha · op(A) · op(B) + beta · C} for each matrix of {@code s} ({@code k > 0}). */
  static void matmul(MatmulSpec s, float[] a, float[] b, float[] c) {
    int m = s.m();
    int n = s.n();
    int k = s.k();
    float alpha = (float) s.alpha();
    float beta = (float) s.beta();
    boolean keep = s.beta() != 0;
    // op(A)[i, p] = a[ao + i·ai + p·ap], op(B)[p, j] = b[bo + p·bp + j·bj]
    int ai = s.transA() ? 1 : k;
    int ap = s.transA() ? m : 1;
    int bp = s.transB() ? 1 : n;
    int bj = s.transB() ? k : 1;
    if (bj == 1) {
      rowsInVectors(s, a, b, c, ai, ap, bp, alpha, beta, keep);
      return;
    }
    float[] acc = row(n);
    for (int t = 0; t < s.batch(); t++) {
      int ao = (int) (s.aOffset() + t * s.aBatchStride());
      int bo = (int) (s.bOffset() + t * s.bBatchStride());
      int co = (int) (s.cOffset() + t * s.cBatchStride());
      for (int i = 0; i < m; i++) {
        int arow = ao + i * ai;
        int crow = co + i * n;
        // the row of C accumulates over p with independent sums across j (no chain of dependent
        // additions as a dot product per element would have)
        for (int j = 0; j < n; j++) {
          acc[j] = 0f;
        }
        for (int p = 0; p < k; p++) {
          float aip = a[arow + p * ap];
          int brow = bo + p * bp;
          for (int j = 0; j < n; j++) {
            acc[j] += aip * b[brow + j * bj];
          }
        }
        for (int j = 0; j < n; j++) {
          c[crow + j] = keep ? alpha * acc[j] + beta * c[crow + j] : alpha * acc[j];
        }
      }
    }
  }

  /** As {@link #matmul} where op(B)'s rows are contiguous: a row of C in masked vectors. */
  private static void rowsInVectors(
      MatmulSpec s,
      float[] a,
      float[] b,
      float[] c,
      int ai,
      int ap,
      int bp,
      float alpha,
      float beta,
      boolean keep) {
    int m = s.m();
    int n = s.n();
    int k = s.k();
    for (int t = 0; t < s.batch(); t++) {
      int ao = (int) (s.aOffset() + t * s.aBatchStride());
      int bo = (int) (s.bOffset() + t * s.bBatchStride());
      int co = (int) (s.cOffset() + t * s.cBatchStride());
      for (int i = 0; i < m; i++) {
        int arow = ao + i * ai;
        int crow = co + i * n;
        for (int j = 0; j < n; j += S.length()) {
          VectorMask<Float> in = S.indexInRange(j, n);
          FloatVector acc = FloatVector.zero(S);
          for (int p = 0; p < k; p++) {
            // a product, then a sum: two roundings, as the scalar loop's acc += a·b
            acc = acc.add(FloatVector.fromArray(S, b, bo + p * bp + j, in).mul(a[arow + p * ap]));
          }
          FloatVector r = acc.mul(alpha);
          if (keep) {
            r = r.add(FloatVector.fromArray(S, c, crow + j, in).mul(beta));
          }
          r.intoArray(c, crow + j, in);
        }
      }
    }
  }
}

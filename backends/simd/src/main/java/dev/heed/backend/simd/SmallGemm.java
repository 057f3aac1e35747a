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
 * and an add, so still bit for bit; four rows of C at a time, whose chains of additions overlap. A
 * small transposed B (a layer's weight in {@code x·Wᵀ}) is first copied row-major for those vector
 * rows, as the reference copies it.
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

  /**
   * From this many rows of C, a transposed B is copied row-major for the vector rows; below, the
   * scalar loop reads it in place (copying k·n elements for one row costs more than it saves).
   */
  private static final int TRANSPOSE_MIN_ROWS = 4;

  /**
   * At most this many elements of a transposed B are copied (about a nanosecond each: 10×10 costs
   * less than a tenth of a microsecond, 16×64 more than the packed kernel's whole product).
   */
  private static final int TRANSPOSE_MAX_ELEMENTS = 256;

  /** Whether a transposed B of {@code k×n} elements is copied row-major for {@code m} rows of C. */
  static boolean transposes(int m, int n, int k) {
    return m >= TRANSPOSE_MIN_ROWS && n * k <= TRANSPOSE_MAX_ELEMENTS;
  }

  private static final ThreadLocal<float[]> TRANSPOSED =
      ThreadLocal.withInitial(() -> new float[TRANSPOSE_MAX_ELEMENTS]);

  /**
   * {@code bt[p·n + j] = b[bo + j·ldb + p]}: one pass in the order B lies, skipping the gap between
   * stored rows (a short inner loop costs more).
   */
  private static void transpose(float[] b, int bo, int ldb, int n, int k, float[] bt) {
    int p = 0;
    int to = 0;
    int gap = ldb - k;
    for (int e = bo, end = bo + (n - 1) * ldb + k; e < end; e++) {
      bt[to] = b[e];
      to += n;
      if (++p == k) {
        p = 0;
        to -= n * k - 1;
        e += gap;
      }
    }
  }

  /** {@code C = alpha · op(A) · op(B) + beta · C} for each matrix of {@code s} ({@code k > 0}). */
  static void matmul(MatmulSpec s, float[] a, float[] b, float[] c) {
    int m = s.m();
    int n = s.n();
    int k = s.k();
    float alpha = (float) s.alpha();
    float beta = (float) s.beta();
    boolean keep = s.beta() != 0;
    // op(A)[i, p] = a[ao + i·ai + p·ap], op(B)[p, j] = b[bo + p·bp + j·bj]: stored rows are the
    // leading dimensions apart
    int ai = s.transA() ? 1 : s.lda();
    int ap = s.transA() ? s.lda() : 1;
    int bp = s.transB() ? 1 : s.ldb();
    int bj = s.transB() ? s.ldb() : 1;
    // vector rows where op(B)'s rows are contiguous or a small transposed B is copied so (as the
    // reference copies it; once for a B that every matrix of the batch shares), scalar otherwise
    boolean copy = bj != 1 && transposes(m, n, k);
    float[] bt = copy ? TRANSPOSED.get() : null;
    float[] acc = bj != 1 && !copy ? row(n) : null;
    long copied = -1;
    for (int t = 0; t < s.batch(); t++) {
      int ao = (int) (s.aOffset() + t * s.aBatchStride());
      int bo = (int) (s.bOffset() + t * s.bBatchStride());
      int co = (int) (s.cOffset() + t * s.cBatchStride());
      if (bj == 1) {
        rowsInVectors(m, n, k, a, ao, ai, ap, b, bo, bp, c, co, alpha, beta, keep);
      } else if (copy) {
        if (bo != copied) {
          transpose(b, bo, bj, n, k, bt);
          copied = bo;
        }
        rowsInVectors(m, n, k, a, ao, ai, ap, bt, 0, n, c, co, alpha, beta, keep);
      } else {
        scalarRows(m, n, k, a, ao, ai, ap, b, bo, bp, bj, c, co, alpha, beta, keep, acc);
      }
    }
  }

  /** One matrix of {@link #matmul} a row of C at a time, in the scalar array {@code acc}. */
  private static void scalarRows(
      int m,
      int n,
      int k,
      float[] a,
      int ao,
      int ai,
      int ap,
      float[] b,
      int bo,
      int bp,
      int bj,
      float[] c,
      int co,
      float alpha,
      float beta,
      boolean keep,
      float[] acc) {
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

  /** Rows of C accumulated together in {@link #rowsInVectors}: four independent chains of sums. */
  private static final int BLOCK = 4;

  /**
   * One matrix of {@link #matmul} where op(B)'s rows are contiguous, op(B)[p, j] = b[bo + p·bp +
   * j]: rows of C in masked vectors, {@link #BLOCK} rows at a time so that their sums, each a chain
   * of dependent additions, overlap.
   */
  private static void rowsInVectors(
      int m,
      int n,
      int k,
      float[] a,
      int ao,
      int ai,
      int ap,
      float[] b,
      int bo,
      int bp,
      float[] c,
      int co,
      float alpha,
      float beta,
      boolean keep) {
    // each block in its own method: one method with both is left to C1 (its register allocator
    // gives up), which boxes every vector
    int blocks = m / BLOCK;
    for (int j = 0; j < n; j += S.length()) {
      if (blocks > 0) {
        fourRows(blocks, n, k, a, ao, ai, ap, b, bo + j, bp, c, co + j, j, alpha, beta, keep);
      }
      for (int i = blocks * BLOCK; i < m; i++) {
        oneRow(n, k, a, ao + i * ai, ap, b, bo + j, bp, c, co + i * n + j, j, alpha, beta, keep);
      }
    }
  }

  /**
   * The first {@code blocks}·4 rows of C, four at a time, from column {@code j}, at most one vector
   * wide; the first row starts at {@code a[aFirst]} and {@code c[cFirst]}.
   */
  private static void fourRows(
      int blocks,
      int n,
      int k,
      float[] a,
      int aFirst,
      int ai,
      int ap,
      float[] b,
      int bo,
      int bp,
      float[] c,
      int cFirst,
      int j,
      float alpha,
      float beta,
      boolean keep) {
    VectorMask<Float> in = S.indexInRange(j, n);
    for (int blk = 0; blk < blocks; blk++) {
      int a0 = aFirst + blk * BLOCK * ai;
      int at = cFirst + blk * BLOCK * n;
      int a1 = a0 + ai;
      int a2 = a1 + ai;
      int a3 = a2 + ai;
      FloatVector acc0 = FloatVector.zero(S);
      FloatVector acc1 = acc0;
      FloatVector acc2 = acc0;
      FloatVector acc3 = acc0;
      for (int p = 0; p < k; p++) {
        // a product, then a sum: two roundings, as the scalar loop's acc += a·b
        FloatVector bv = FloatVector.fromArray(S, b, bo + p * bp, in);
        int q = p * ap;
        acc0 = acc0.add(bv.mul(a[a0 + q]));
        acc1 = acc1.add(bv.mul(a[a1 + q]));
        acc2 = acc2.add(bv.mul(a[a2 + q]));
        acc3 = acc3.add(bv.mul(a[a3 + q]));
      }
      // the stores written out: a vector passed to a method that is not inlined is boxed
      int c1 = at + n;
      int c2 = c1 + n;
      int c3 = c2 + n;
      acc0 = acc0.mul(alpha);
      acc1 = acc1.mul(alpha);
      acc2 = acc2.mul(alpha);
      acc3 = acc3.mul(alpha);
      if (keep) {
        acc0 = acc0.add(FloatVector.fromArray(S, c, at, in).mul(beta));
        acc1 = acc1.add(FloatVector.fromArray(S, c, c1, in).mul(beta));
        acc2 = acc2.add(FloatVector.fromArray(S, c, c2, in).mul(beta));
        acc3 = acc3.add(FloatVector.fromArray(S, c, c3, in).mul(beta));
      }
      acc0.intoArray(c, at, in);
      acc1.intoArray(c, c1, in);
      acc2.intoArray(c, c2, in);
      acc3.intoArray(c, c3, in);
    }
  }

  /** One row of C from column {@code j}, at most one vector wide, starting at {@code c[at]}. */
  private static void oneRow(
      int n,
      int k,
      float[] a,
      int arow,
      int ap,
      float[] b,
      int bo,
      int bp,
      float[] c,
      int at,
      int j,
      float alpha,
      float beta,
      boolean keep) {
    VectorMask<Float> in = S.indexInRange(j, n);
    FloatVector acc = FloatVector.zero(S);
    for (int p = 0; p < k; p++) {
      acc = acc.add(FloatVector.fromArray(S, b, bo + p * bp, in).mul(a[arow + p * ap]));
    }
    acc = acc.mul(alpha);
    if (keep) {
      acc = acc.add(FloatVector.fromArray(S, c, at, in).mul(beta));
    }
    acc.intoArray(c, at, in);
  }
}

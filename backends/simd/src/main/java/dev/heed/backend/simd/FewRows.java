package dev.heed.backend.simd;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.MatmulSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code matmul} for a C of few rows (at most {@link #MAX_ROWS}): one token's step of a
 * decoder, {@code x·Wᵀ} or {@code x·W} with {@code x [1, in]}. Such a product does two
 * multiply-adds per weight it reads, so it is bound by the bytes of {@code op(B)} streamed from
 * memory, not by arithmetic; {@link Gemm} would pack {@code op(B)} into panels on every call
 * (reading and writing the weight once more) and fill one row of its eight-row register tile. Here
 * the weight is read once, where it lies, and the work is split over the threads by columns of C as
 * soon as the weight is larger than {@link #PARALLEL_MIN_WEIGHT_BYTES}.
 *
 * <p>Two loops, by the weight's layout:
 *
 * <ul>
 *   <li><b>Transposed B</b> (nn.Linear's {@code x·Wᵀ}, W {@code [n, k]} with rows {@code ldb}
 *       apart; a tied LM head): each element of C is a dot product of a row of A and a row of W,
 *       both contiguous along {@code k}. Blocks of sixteen dot products — one row of A by sixteen
 *       rows of W, two by eight, or four by four — keep sixteen vector accumulators, each lane a
 *       chain of fused multiply-adds over {@code p ≡ lane (mod L)}, summed across lanes at the end
 *       in {@link VecMath#sums16}'s fixed order; the last {@code k % L} of the depth is added by
 *       scalar code. Blocks at the edge of a task's columns repeat its last column and drop the
 *       repeated results.
 *   <li><b>Row-major B</b> (GPT-2's {@code Conv1D}, {@code x·W} with W {@code [k, n]}): W is
 *       streamed row by row, four rows at a time, and {@code acc[i, j] += A[i,p]·W[p, j]} is
 *       accumulated into per-thread rows of at most {@link #PIECE} columns (2048 for one row of A,
 *       so that each row of W is read in longer runs; 8 KiB either way, in the level-1 cache) by a
 *       chain of fused multiply-adds in the order of {@code p}; columns after the last full vector
 *       by {@link Math#fma}, the same operation, so every element is the same chain whatever the
 *       split.
 * </ul>
 *
 * <p>Either way each element of C comes from the same operations in the same order whatever the
 * number of threads and wherever the task boundaries fall, and every operation's result is
 * specified exactly by Java, so the bits do not change between thread counts or when the JIT
 * compiles the kernel. {@code C = alpha·acc + beta·C} ({@code beta = 0}: C's old contents are not
 * read). A transposed A (few columns of a stored matrix) is copied row-major per task first.
 *
 * <p>A B of a 16-bit storage type ({@code BFLOAT16}, {@code FLOAT16}: weights resident in half the
 * memory) is widened exactly as it is read: for one row of A and BFLOAT16, in registers as each
 * vector is loaded (the bits moved to the upper half of an int); otherwise sixteen rows of a
 * transposed B at a time, or slabs of {@link #SLAB} rows of a piece of a row-major B, into a
 * per-thread float panel that the same loops then read; so the result is bit for bit that of the
 * FLOAT32 weights the 16-bit values widen to, and the memory streamed per step is halved.
 */
final class FewRows {
  private FewRows() {}

  static final VectorSpecies<Float> S = Gemm.S;
  static final int L = Gemm.L;

  /**
   * The most rows of C this kernel takes. With more, the weight would be streamed once per four
   * rows, and {@link Gemm}'s packing pays off.
   */
  static final int MAX_ROWS = 4;

  /**
   * Bytes of one matrix of {@code op(B)} from which the product is split over the threads: the
   * product is memory-bound, and each core adds its own share of the memory bandwidth; a hand-off
   * to a spinning helper costs about a microsecond, the time to stream some 10 KB.
   */
  static final long PARALLEL_MIN_WEIGHT_BYTES = 128 << 10;

  /** Columns of C per task at least, when split. */
  private static final int MIN_TASK_COLUMNS = 64;

  /** Columns accumulated at once by the row-major loop (four rows of floats: 8 KiB). */
  static final int PIECE = 512;

  /** Rows of a row-major 16-bit B widened at once (with {@link #PIECE} columns: 64 KiB). */
  static final int SLAB = 32;

  /** Short lanes that widen to one float vector (null where vectors hold fewer than 4 floats). */
  private static final VectorSpecies<Short> HS =
      L >= 4 ? VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16)) : null;

  private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());

  private static final class Scratch {
    float[] at = new float[4 * 1024];
    float[] wide = new float[16 * 1024];
    final float[] acc = new float[MAX_ROWS * PIECE];
    final float[] vec = new float[16 * L];
    final float[] out = new float[16];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * Whether this kernel takes {@code s}: at most {@link #MAX_ROWS} rows, wider than {@link
   * NarrowGemm}'s C, and for a transposed B a depth of a vector or more.
   */
  static boolean takes(MatmulSpec s) {
    return s.m() >= 1
        && s.m() <= MAX_ROWS
        && s.n() > NarrowGemm.MAX_COLUMNS
        && s.k() >= 1
        && (!s.transB() || s.k() >= L);
  }

  /** {@code C = alpha·op(A)·op(B) + beta·C} for each matrix of {@code s} (see {@link #takes}). */
  static void matmul(Workers workers, MatmulSpec s, float[] a, float[] b, float[] c) {
    matmul(workers, s, a, b, null, null, c);
  }

  /**
   * As {@link #matmul(Workers, MatmulSpec, float[], float[], float[])} with B held as the 16-bit
   * values {@code h} of storage type {@code type}, widened as they are read.
   */
  static void matmul(Workers workers, MatmulSpec s, float[] a, short[] h, DType type, float[] c) {
    matmul(workers, s, a, null, h, type, c);
  }

  private static void matmul(
      Workers workers, MatmulSpec s, float[] a, float[] b, short[] h, DType type, float[] c) {
    int n = s.n();
    int batch = s.batch();
    if (batch == 0) {
      return;
    }
    long weightBytes = 4L * n * s.k();
    boolean parallel = workers.threads() > 1 && weightBytes >= PARALLEL_MIN_WEIGHT_BYTES;
    // units of columns a task boundary may fall on: whole vectors (row-major B) or whole blocks
    int unit = s.transB() ? 16 : L;
    int units = (n + unit - 1) / unit;
    int chunks =
        parallel
            ? Math.max(
                1, Math.min(2 * workers.threads(), units * unit / Math.max(1, MIN_TASK_COLUMNS)))
            : 1;
    chunks = Math.min(chunks, units);
    int perChunk = (units + chunks - 1) / chunks;
    int tasksPerMatrix = (units + perChunk - 1) / perChunk;
    workers.parallelFor(
        parallel && batch * tasksPerMatrix > 1,
        batch * tasksPerMatrix,
        task -> {
          int t = task / tasksPerMatrix;
          int j0 = (task % tasksPerMatrix) * perChunk * unit;
          int j1 = Math.min(n, j0 + perChunk * unit);
          if (j0 < j1) {
            one(s, t, a, b, h, type, c, j0, j1);
          }
        });
  }

  /** Columns {@code [j0, j1)} of matrix {@code t}. */
  private static void one(
      MatmulSpec s, int t, float[] a, float[] b, short[] h, DType type, float[] c, int j0, int j1) {
    int m = s.m();
    int n = s.n();
    int k = s.k();
    int ao = (int) (s.aOffset() + t * s.aBatchStride());
    int bo = (int) (s.bOffset() + t * s.bBatchStride());
    int co = (int) (s.cOffset() + t * s.cBatchStride());
    int lda = s.lda();
    Scratch scratch = SCRATCH.get();
    if (s.transA()) {
      // A stored [k, m]: its m columns as rows of a [m, k] copy (a few rows: cheap)
      if (scratch.at.length < m * k) {
        scratch.at = new float[m * k];
      }
      float[] at = scratch.at;
      for (int p = 0; p < k; p++) {
        int src = ao + p * lda;
        for (int i = 0; i < m; i++) {
          at[i * k + p] = a[src + i];
        }
      }
      a = at;
      ao = 0;
      lda = k;
    }
    float alpha = (float) s.alpha();
    float beta = (float) s.beta();
    boolean keep = s.beta() != 0;
    if (s.transB()) {
      dots(a, ao, lda, m, b, h, type, bo, s.ldb(), k, j0, j1, alpha, beta, keep, c, co, n, scratch);
    } else {
      rows(a, ao, lda, m, b, h, type, bo, s.ldb(), k, j0, j1, alpha, beta, keep, c, co, n, scratch);
    }
  }

  /** The scratch panel for widened weights, at least {@code n} floats. */
  private static float[] wide(Scratch scratch, int n) {
    if (scratch.wide.length < n) {
      scratch.wide = new float[n];
    }
    return scratch.wide;
  }

  /**
   * {@code dst[at + i] = value of h[from + i]} for {@code i < count}, exactly: BFLOAT16 in vectors
   * (the bits moved to the upper half of an int), FLOAT16 by {@link Float#float16ToFloat}.
   */
  static void widen(DType type, short[] h, int from, float[] dst, int at, int count) {
    int i = 0;
    if (type == DType.BFLOAT16 && HS != null) {
      for (int upper = count - count % L; i < upper; i += L) {
        ((IntVector)
                ShortVector.fromArray(HS, h, from + i).convertShape(VectorOperators.S2I, IS, 0))
            .lanewise(VectorOperators.LSHL, 16)
            .reinterpretAsFloats()
            .intoArray(dst, at + i);
      }
    }
    for (; i < count; i++) {
      dst[at + i] = type.widen(h[from + i]);
    }
  }

  // ---------------------------------------------------------------- transposed B: dot products

  private static void dots(
      float[] a,
      int ao,
      int lda,
      int m,
      float[] w,
      short[] h,
      DType type,
      int wo,
      int ldw,
      int k,
      int j0,
      int j1,
      float alpha,
      float beta,
      boolean keep,
      float[] c,
      int co,
      int ldc,
      Scratch scratch) {
    int kv = k - k % L;
    float[] vec = scratch.vec;
    float[] out = scratch.out;
    // block shape: rows × cols = 16
    int rowsPerBlock = m == 1 ? 1 : m == 2 ? 2 : 4;
    int cols = 16 / rowsPerBlock;
    int last = j1 - 1;
    // one row of A against BFLOAT16 rows: widened in registers as they are loaded
    boolean fused = h != null && type == DType.BFLOAT16 && rowsPerBlock == 1 && HS != null;
    for (int j = j0; j < j1; j += cols) {
      // the rows of W this block reads: in place (null: the 16-bit rows themselves), or widened
      // into a panel [rows, k]
      float[] src = fused ? null : w;
      int so = wo;
      int sld = ldw;
      int sj = j;
      int slast = last;
      if (h != null && !fused) {
        int rows = Math.min(cols, j1 - j);
        src = wide(scratch, rows * k);
        for (int r = 0; r < rows; r++) {
          widen(type, h, wo + (j + r) * ldw, src, r * k, k);
        }
        so = 0;
        sld = k;
        sj = 0;
        slast = rows - 1;
      }
      if (fused) {
        dots1x16Bf16(a, ao, h, so, sld, sj, slast, kv, vec);
      } else if (rowsPerBlock == 1) {
        dots1x16(a, ao, src, so, sld, sj, slast, kv, vec);
      } else if (rowsPerBlock == 2) {
        dots2x8(a, ao, lda, src, so, sld, sj, slast, kv, vec);
      } else {
        dots4x4(a, ao, lda, m, src, so, sld, sj, slast, kv, vec);
      }
      VecMath.sums16(vec, out);
      if (kv < k) {
        for (int r = 0; r < rowsPerBlock; r++) {
          int row = ao + Math.min(r, m - 1) * lda;
          for (int q = 0; q < cols; q++) {
            int col = so + Math.min(sj + q, slast) * sld;
            float tsum = 0f;
            for (int p = kv; p < k; p++) {
              tsum += a[row + p] * (src != null ? src[col + p] : type.widen(h[col + p]));
            }
            out[r * cols + q] += tsum;
          }
        }
      }
      for (int r = 0; r < m; r++) {
        int crow = co + r * ldc;
        for (int q = 0; q < cols && j + q < j1; q++) {
          float v = alpha * out[r * cols + q];
          int at = crow + j + q;
          c[at] = keep ? v + beta * c[at] : v;
        }
      }
    }
  }

  /** One row of A against rows {@code j … j+15} of W (clamped to {@code last}). */
  private static void dots1x16(
      float[] a, int ao, float[] w, int wo, int ldw, int j, int last, int kv, float[] vec) {
    int b0 = wo + j * ldw;
    int b1 = wo + Math.min(j + 1, last) * ldw;
    int b2 = wo + Math.min(j + 2, last) * ldw;
    int b3 = wo + Math.min(j + 3, last) * ldw;
    int b4 = wo + Math.min(j + 4, last) * ldw;
    int b5 = wo + Math.min(j + 5, last) * ldw;
    int b6 = wo + Math.min(j + 6, last) * ldw;
    int b7 = wo + Math.min(j + 7, last) * ldw;
    int b8 = wo + Math.min(j + 8, last) * ldw;
    int b9 = wo + Math.min(j + 9, last) * ldw;
    int b10 = wo + Math.min(j + 10, last) * ldw;
    int b11 = wo + Math.min(j + 11, last) * ldw;
    int b12 = wo + Math.min(j + 12, last) * ldw;
    int b13 = wo + Math.min(j + 13, last) * ldw;
    int b14 = wo + Math.min(j + 14, last) * ldw;
    int b15 = wo + Math.min(j + 15, last) * ldw;
    FloatVector z = FloatVector.zero(S);
    FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
    FloatVector c8 = z, c9 = z, c10 = z, c11 = z, c12 = z, c13 = z, c14 = z, c15 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x = FloatVector.fromArray(S, a, ao + p);
      c0 = x.fma(FloatVector.fromArray(S, w, b0 + p), c0);
      c1 = x.fma(FloatVector.fromArray(S, w, b1 + p), c1);
      c2 = x.fma(FloatVector.fromArray(S, w, b2 + p), c2);
      c3 = x.fma(FloatVector.fromArray(S, w, b3 + p), c3);
      c4 = x.fma(FloatVector.fromArray(S, w, b4 + p), c4);
      c5 = x.fma(FloatVector.fromArray(S, w, b5 + p), c5);
      c6 = x.fma(FloatVector.fromArray(S, w, b6 + p), c6);
      c7 = x.fma(FloatVector.fromArray(S, w, b7 + p), c7);
      c8 = x.fma(FloatVector.fromArray(S, w, b8 + p), c8);
      c9 = x.fma(FloatVector.fromArray(S, w, b9 + p), c9);
      c10 = x.fma(FloatVector.fromArray(S, w, b10 + p), c10);
      c11 = x.fma(FloatVector.fromArray(S, w, b11 + p), c11);
      c12 = x.fma(FloatVector.fromArray(S, w, b12 + p), c12);
      c13 = x.fma(FloatVector.fromArray(S, w, b13 + p), c13);
      c14 = x.fma(FloatVector.fromArray(S, w, b14 + p), c14);
      c15 = x.fma(FloatVector.fromArray(S, w, b15 + p), c15);
    }
    c0.intoArray(vec, 0);
    c1.intoArray(vec, L);
    c2.intoArray(vec, 2 * L);
    c3.intoArray(vec, 3 * L);
    c4.intoArray(vec, 4 * L);
    c5.intoArray(vec, 5 * L);
    c6.intoArray(vec, 6 * L);
    c7.intoArray(vec, 7 * L);
    c8.intoArray(vec, 8 * L);
    c9.intoArray(vec, 9 * L);
    c10.intoArray(vec, 10 * L);
    c11.intoArray(vec, 11 * L);
    c12.intoArray(vec, 12 * L);
    c13.intoArray(vec, 13 * L);
    c14.intoArray(vec, 14 * L);
    c15.intoArray(vec, 15 * L);
  }

  /** {@code L} BFLOAT16 values from {@code h[i]}, widened exactly: the bits in the upper half. */
  private static FloatVector bf16(short[] h, int i) {
    return ((IntVector) ShortVector.fromArray(HS, h, i).convertShape(VectorOperators.S2I, IS, 0))
        .lanewise(VectorOperators.LSHL, 16)
        .reinterpretAsFloats();
  }

  /**
   * As {@link #dots1x16} over BFLOAT16 rows of W, widened in registers: two passes of eight rows
   * (with sixteen, the compiled loop does not keep the conversions inline).
   */
  private static void dots1x16Bf16(
      float[] a, int ao, short[] w, int wo, int ldw, int j, int last, int kv, float[] vec) {
    dots1x8Bf16(a, ao, w, wo, ldw, j, last, kv, vec, 0);
    dots1x8Bf16(a, ao, w, wo, ldw, j + 8, last, kv, vec, 8 * L);
  }

  /** Rows {@code j … j+7} of W (clamped to {@code last}) into {@code vec[at …]}. */
  private static void dots1x8Bf16(
      float[] a, int ao, short[] w, int wo, int ldw, int j, int last, int kv, float[] vec, int at) {
    int b0 = wo + Math.min(j, last) * ldw;
    int b1 = wo + Math.min(j + 1, last) * ldw;
    int b2 = wo + Math.min(j + 2, last) * ldw;
    int b3 = wo + Math.min(j + 3, last) * ldw;
    int b4 = wo + Math.min(j + 4, last) * ldw;
    int b5 = wo + Math.min(j + 5, last) * ldw;
    int b6 = wo + Math.min(j + 6, last) * ldw;
    int b7 = wo + Math.min(j + 7, last) * ldw;
    FloatVector z = FloatVector.zero(S);
    FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x = FloatVector.fromArray(S, a, ao + p);
      c0 = x.fma(bf16(w, b0 + p), c0);
      c1 = x.fma(bf16(w, b1 + p), c1);
      c2 = x.fma(bf16(w, b2 + p), c2);
      c3 = x.fma(bf16(w, b3 + p), c3);
      c4 = x.fma(bf16(w, b4 + p), c4);
      c5 = x.fma(bf16(w, b5 + p), c5);
      c6 = x.fma(bf16(w, b6 + p), c6);
      c7 = x.fma(bf16(w, b7 + p), c7);
    }
    c0.intoArray(vec, at);
    c1.intoArray(vec, at + L);
    c2.intoArray(vec, at + 2 * L);
    c3.intoArray(vec, at + 3 * L);
    c4.intoArray(vec, at + 4 * L);
    c5.intoArray(vec, at + 5 * L);
    c6.intoArray(vec, at + 6 * L);
    c7.intoArray(vec, at + 7 * L);
  }

  /** Two rows of A against rows {@code j … j+7} of W (clamped to {@code last}). */
  private static void dots2x8(
      float[] a,
      int ao,
      int lda,
      float[] w,
      int wo,
      int ldw,
      int j,
      int last,
      int kv,
      float[] vec) {
    int a0 = ao;
    int a1 = ao + lda;
    int b0 = wo + j * ldw;
    int b1 = wo + Math.min(j + 1, last) * ldw;
    int b2 = wo + Math.min(j + 2, last) * ldw;
    int b3 = wo + Math.min(j + 3, last) * ldw;
    int b4 = wo + Math.min(j + 4, last) * ldw;
    int b5 = wo + Math.min(j + 5, last) * ldw;
    int b6 = wo + Math.min(j + 6, last) * ldw;
    int b7 = wo + Math.min(j + 7, last) * ldw;
    FloatVector z = FloatVector.zero(S);
    FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z, c05 = z, c06 = z, c07 = z;
    FloatVector c10 = z, c11 = z, c12 = z, c13 = z, c14 = z, c15 = z, c16 = z, c17 = z;
    for (int p = 0; p < kv; p += L) {
      FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
      FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
      FloatVector y0 = FloatVector.fromArray(S, w, b0 + p);
      FloatVector y1 = FloatVector.fromArray(S, w, b1 + p);
      FloatVector y2 = FloatVector.fromArray(S, w, b2 + p);
      FloatVector y3 = FloatVector.fromArray(S, w, b3 + p);
      c00 = x0.fma(y0, c00);
      c01 = x0.fma(y1, c01);
      c02 = x0.fma(y2, c02);
      c03 = x0.fma(y3, c03);
      c10 = x1.fma(y0, c10);
      c11 = x1.fma(y1, c11);
      c12 = x1.fma(y2, c12);
      c13 = x1.fma(y3, c13);
      FloatVector y4 = FloatVector.fromArray(S, w, b4 + p);
      FloatVector y5 = FloatVector.fromArray(S, w, b5 + p);
      FloatVector y6 = FloatVector.fromArray(S, w, b6 + p);
      FloatVector y7 = FloatVector.fromArray(S, w, b7 + p);
      c04 = x0.fma(y4, c04);
      c05 = x0.fma(y5, c05);
      c06 = x0.fma(y6, c06);
      c07 = x0.fma(y7, c07);
      c14 = x1.fma(y4, c14);
      c15 = x1.fma(y5, c15);
      c16 = x1.fma(y6, c16);
      c17 = x1.fma(y7, c17);
    }
    c00.intoArray(vec, 0);
    c01.intoArray(vec, L);
    c02.intoArray(vec, 2 * L);
    c03.intoArray(vec, 3 * L);
    c04.intoArray(vec, 4 * L);
    c05.intoArray(vec, 5 * L);
    c06.intoArray(vec, 6 * L);
    c07.intoArray(vec, 7 * L);
    c10.intoArray(vec, 8 * L);
    c11.intoArray(vec, 9 * L);
    c12.intoArray(vec, 10 * L);
    c13.intoArray(vec, 11 * L);
    c14.intoArray(vec, 12 * L);
    c15.intoArray(vec, 13 * L);
    c16.intoArray(vec, 14 * L);
    c17.intoArray(vec, 15 * L);
  }

  /**
   * Rows {@code 0 … 3} of A (clamped to {@code m - 1}) against rows {@code j … j+3} of W (clamped
   * to {@code last}).
   */
  private static void dots4x4(
      float[] a,
      int ao,
      int lda,
      int m,
      float[] w,
      int wo,
      int ldw,
      int j,
      int last,
      int kv,
      float[] vec) {
    int a0 = ao;
    int a1 = ao + Math.min(1, m - 1) * lda;
    int a2 = ao + Math.min(2, m - 1) * lda;
    int a3 = ao + Math.min(3, m - 1) * lda;
    int b0 = wo + j * ldw;
    int b1 = wo + Math.min(j + 1, last) * ldw;
    int b2 = wo + Math.min(j + 2, last) * ldw;
    int b3 = wo + Math.min(j + 3, last) * ldw;
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
      FloatVector y0 = FloatVector.fromArray(S, w, b0 + p);
      FloatVector y1 = FloatVector.fromArray(S, w, b1 + p);
      FloatVector y2 = FloatVector.fromArray(S, w, b2 + p);
      FloatVector y3 = FloatVector.fromArray(S, w, b3 + p);
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
    c00.intoArray(vec, 0);
    c01.intoArray(vec, L);
    c02.intoArray(vec, 2 * L);
    c03.intoArray(vec, 3 * L);
    c10.intoArray(vec, 4 * L);
    c11.intoArray(vec, 5 * L);
    c12.intoArray(vec, 6 * L);
    c13.intoArray(vec, 7 * L);
    c20.intoArray(vec, 8 * L);
    c21.intoArray(vec, 9 * L);
    c22.intoArray(vec, 10 * L);
    c23.intoArray(vec, 11 * L);
    c30.intoArray(vec, 12 * L);
    c31.intoArray(vec, 13 * L);
    c32.intoArray(vec, 14 * L);
    c33.intoArray(vec, 15 * L);
  }

  // ---------------------------------------------------------------- row-major B: row streaming

  private static void rows(
      float[] a,
      int ao,
      int lda,
      int m,
      float[] w,
      short[] h,
      DType type,
      int wo,
      int ldw,
      int k,
      int j0,
      int j1,
      float alpha,
      float beta,
      boolean keep,
      float[] c,
      int co,
      int ldc,
      Scratch scratch) {
    float[] acc = scratch.acc;
    // one row of A accumulates into all four rows of the scratch: longer runs of each row of W
    int pieceWidth = m == 1 ? MAX_ROWS * PIECE : PIECE;
    for (int q0 = j0; q0 < j1; q0 += pieceWidth) {
      int width = Math.min(pieceWidth, j1 - q0);
      Arrays.fill(acc, 0, m == 1 ? width : acc.length, 0f);
      if (h == null) {
        piece(a, ao, lda, m, w, wo + q0, ldw, k, width, acc);
      } else if (m == 1 && type == DType.BFLOAT16 && HS != null) {
        piece1Bf16(a, ao, h, wo + q0, ldw, k, width, acc);
      } else {
        // SLAB rows of the piece at a time, widened into a panel [rows, width]: the same chains
        float[] panel = wide(scratch, SLAB * width);
        for (int p0 = 0; p0 < k; p0 += SLAB) {
          int rows = Math.min(SLAB, k - p0);
          for (int r = 0; r < rows; r++) {
            widen(type, h, wo + (p0 + r) * ldw + q0, panel, r * width, width);
          }
          piece(a, ao + p0, lda, m, panel, 0, width, rows, width, acc);
        }
      }
      for (int i = 0; i < m; i++) {
        int crow = co + i * ldc + q0;
        int arow = i * PIECE;
        for (int q = 0; q < width; q++) {
          float v = alpha * acc[arow + q];
          c[crow + q] = keep ? v + beta * c[crow + q] : v;
        }
      }
    }
  }

  /** {@code acc += A·W} over depth {@code k} for the {@code m} rows: {@link #piece1} or rows. */
  private static void piece(
      float[] a,
      int ao,
      int lda,
      int m,
      float[] w,
      int wo,
      int ldw,
      int k,
      int width,
      float[] acc) {
    if (m == 1) {
      piece1(a, ao, w, wo, ldw, k, width, acc);
    } else {
      pieceRows(a, ao, lda, m, w, wo, ldw, k, width, acc);
    }
  }

  /**
   * {@code acc[q] += Σ_p a[ao + p]·w[wo + p·ldw + q]} for {@code q < width}, the terms added in the
   * order of {@code p} by fused multiply-adds, four rows of W per pass over the piece.
   */
  private static void piece1(
      float[] a, int ao, float[] w, int wo, int ldw, int k, int width, float[] acc) {
    int wv = width - width % L;
    int p = 0;
    for (; p + 4 <= k; p += 4) {
      FloatVector x0 = FloatVector.broadcast(S, a[ao + p]);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + p + 1]);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + p + 2]);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + p + 3]);
      int r0 = wo + p * ldw;
      int r1 = r0 + ldw;
      int r2 = r1 + ldw;
      int r3 = r2 + ldw;
      for (int q = 0; q < wv; q += L) {
        FloatVector s = FloatVector.fromArray(S, acc, q);
        s = FloatVector.fromArray(S, w, r0 + q).fma(x0, s);
        s = FloatVector.fromArray(S, w, r1 + q).fma(x1, s);
        s = FloatVector.fromArray(S, w, r2 + q).fma(x2, s);
        s = FloatVector.fromArray(S, w, r3 + q).fma(x3, s);
        s.intoArray(acc, q);
      }
      for (int q = wv; q < width; q++) {
        float s = acc[q];
        s = Math.fma(w[r0 + q], a[ao + p], s);
        s = Math.fma(w[r1 + q], a[ao + p + 1], s);
        s = Math.fma(w[r2 + q], a[ao + p + 2], s);
        s = Math.fma(w[r3 + q], a[ao + p + 3], s);
        acc[q] = s;
      }
    }
    for (; p < k; p++) {
      FloatVector x0 = FloatVector.broadcast(S, a[ao + p]);
      int r0 = wo + p * ldw;
      for (int q = 0; q < wv; q += L) {
        FloatVector.fromArray(S, w, r0 + q)
            .fma(x0, FloatVector.fromArray(S, acc, q))
            .intoArray(acc, q);
      }
      for (int q = wv; q < width; q++) {
        acc[q] = Math.fma(w[r0 + q], a[ao + p], acc[q]);
      }
    }
  }

  /** As {@link #piece1} over BFLOAT16 rows of W, widened in registers (the same chains). */
  private static void piece1Bf16(
      float[] a, int ao, short[] w, int wo, int ldw, int k, int width, float[] acc) {
    int wv = width - width % L;
    DType t = DType.BFLOAT16;
    int p = 0;
    for (; p + 4 <= k; p += 4) {
      FloatVector x0 = FloatVector.broadcast(S, a[ao + p]);
      FloatVector x1 = FloatVector.broadcast(S, a[ao + p + 1]);
      FloatVector x2 = FloatVector.broadcast(S, a[ao + p + 2]);
      FloatVector x3 = FloatVector.broadcast(S, a[ao + p + 3]);
      int r0 = wo + p * ldw;
      int r1 = r0 + ldw;
      int r2 = r1 + ldw;
      int r3 = r2 + ldw;
      for (int q = 0; q < wv; q += L) {
        FloatVector s = FloatVector.fromArray(S, acc, q);
        s = bf16(w, r0 + q).fma(x0, s);
        s = bf16(w, r1 + q).fma(x1, s);
        s = bf16(w, r2 + q).fma(x2, s);
        s = bf16(w, r3 + q).fma(x3, s);
        s.intoArray(acc, q);
      }
      for (int q = wv; q < width; q++) {
        float s = acc[q];
        s = Math.fma(t.widen(w[r0 + q]), a[ao + p], s);
        s = Math.fma(t.widen(w[r1 + q]), a[ao + p + 1], s);
        s = Math.fma(t.widen(w[r2 + q]), a[ao + p + 2], s);
        s = Math.fma(t.widen(w[r3 + q]), a[ao + p + 3], s);
        acc[q] = s;
      }
    }
    for (; p < k; p++) {
      FloatVector x0 = FloatVector.broadcast(S, a[ao + p]);
      int r0 = wo + p * ldw;
      for (int q = 0; q < wv; q += L) {
        bf16(w, r0 + q).fma(x0, FloatVector.fromArray(S, acc, q)).intoArray(acc, q);
      }
      for (int q = wv; q < width; q++) {
        acc[q] = Math.fma(t.widen(w[r0 + q]), a[ao + p], acc[q]);
      }
    }
  }

  /**
   * {@code acc[i·PIECE + q] += Σ_p a[ao + i·lda + p]·w[wo + p·ldw + q]} for the {@code m <= 4} rows
   * of A and {@code q < width}, as {@link #piece1} per row (the same chain of operations), two rows
   * of W per pass over the piece; rows of {@code acc} past {@code m} get a copy of the last row's
   * sums, which is not kept.
   */
  private static void pieceRows(
      float[] a,
      int ao,
      int lda,
      int m,
      float[] w,
      int wo,
      int ldw,
      int k,
      int width,
      float[] acc) {
    int wv = width - width % L;
    int a0 = ao;
    int a1 = ao + Math.min(1, m - 1) * lda;
    int a2 = ao + Math.min(2, m - 1) * lda;
    int a3 = ao + Math.min(3, m - 1) * lda;
    int o1 = PIECE;
    int o2 = 2 * PIECE;
    int o3 = 3 * PIECE;
    int p = 0;
    for (; p + 2 <= k; p += 2) {
      FloatVector x00 = FloatVector.broadcast(S, a[a0 + p]);
      FloatVector x01 = FloatVector.broadcast(S, a[a0 + p + 1]);
      FloatVector x10 = FloatVector.broadcast(S, a[a1 + p]);
      FloatVector x11 = FloatVector.broadcast(S, a[a1 + p + 1]);
      FloatVector x20 = FloatVector.broadcast(S, a[a2 + p]);
      FloatVector x21 = FloatVector.broadcast(S, a[a2 + p + 1]);
      FloatVector x30 = FloatVector.broadcast(S, a[a3 + p]);
      FloatVector x31 = FloatVector.broadcast(S, a[a3 + p + 1]);
      int r0 = wo + p * ldw;
      int r1 = r0 + ldw;
      for (int q = 0; q < wv; q += L) {
        FloatVector y0 = FloatVector.fromArray(S, w, r0 + q);
        FloatVector y1 = FloatVector.fromArray(S, w, r1 + q);
        y1.fma(x01, y0.fma(x00, FloatVector.fromArray(S, acc, q))).intoArray(acc, q);
        y1.fma(x11, y0.fma(x10, FloatVector.fromArray(S, acc, o1 + q))).intoArray(acc, o1 + q);
        y1.fma(x21, y0.fma(x20, FloatVector.fromArray(S, acc, o2 + q))).intoArray(acc, o2 + q);
        y1.fma(x31, y0.fma(x30, FloatVector.fromArray(S, acc, o3 + q))).intoArray(acc, o3 + q);
      }
      for (int q = wv; q < width; q++) {
        for (int i = 0; i < m; i++) {
          int ai = ao + i * lda + p;
          int at = i * PIECE + q;
          acc[at] = Math.fma(w[r1 + q], a[ai + 1], Math.fma(w[r0 + q], a[ai], acc[at]));
        }
      }
    }
    for (; p < k; p++) {
      int r0 = wo + p * ldw;
      for (int i = 0; i < m; i++) {
        FloatVector x = FloatVector.broadcast(S, a[ao + i * lda + p]);
        int o = i * PIECE;
        for (int q = 0; q < wv; q += L) {
          FloatVector.fromArray(S, w, r0 + q)
              .fma(x, FloatVector.fromArray(S, acc, o + q))
              .intoArray(acc, o + q);
        }
        for (int q = wv; q < width; q++) {
          acc[o + q] = Math.fma(w[r0 + q], a[ao + i * lda + p], acc[o + q]);
        }
      }
    }
  }
}

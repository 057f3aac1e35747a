package dev.heed.backend.simd;

import static dev.heed.backend.simd.SimdFlashCall.L;
import static dev.heed.backend.simd.SimdFlashCall.S;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.MatmulSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The backward pass of {@link SimdFlashAttention} from the weights {@code P} that the forward kept
 * ({@code [B, H, Tq, Tk]}, before dropout): nothing is recomputed from the scores, and the work is
 * the packed {@link Gemm}'s, per block of query rows of a head: {@code gv += (P∘Z)ᵀ·gOut}, {@code
 * dP = gOut·vᵀ} into a per-thread scratch, {@code dS = (dP∘Z - D)∘P·scale} in place, {@code gq =
 * dS·k} and {@code gk += dSᵀ·q}, with the dropout factors {@code Z} drawn into scratch for the
 * block and {@code D[i] = Σ gOut[i]∘out[i]}. The operands are read where they lie, a row stride
 * apart.
 *
 * <p>Every element of the key and value gradients is the sum, in a fixed order (the group's query
 * heads, then the blocks of query rows), of one product per block, and an element of a product is
 * the packed kernel's, which depends only on the depth of the product (the element's own chain of
 * multiply-adds, chunk by chunk of {@link Gemm#KC}), not on which rows and columns of it a call
 * computes. So the work may be split either by key head (each task owns the key head's gradients
 * and its group's query gradients) or, to keep more threads busy when there are fewer key heads
 * than threads, in two passes, by block of keys for the key and value gradients and by block of
 * query rows for the query gradients (the score gradients computed twice): the results are the same
 * bits whatever the split and the number of threads.
 */
final class SimdFlashKeptBackward {
  /** Floats of a block of score gradients (and dropout factors) per thread: 256 KiB. */
  private static final int BLOCK_FLOATS = 1 << 16;

  /** Query rows or keys per block are multiples of this. */
  private static final int ALIGN = 8;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0], new float[0]});

  private final SimdFlashCall c;
  private final float[] p;
  private final SimdFlashView q;
  private final SimdFlashView k;
  private final SimdFlashView v;
  private final SimdFlashView gOut;
  private final float[] delta;
  private final float[] gq;
  private final float[] gk;
  private final float[] gv;

  /** Query rows per block of the key and value gradients' sums (see the class comment). */
  private final int rows;

  /**
   * @param p the kept weights
   * @param q queries, {@link SimdFlashView#gemmRows}; likewise {@code k}, {@code v}, {@code gOut}
   * @param delta {@code D}, {@code [B, H, Tq]}
   */
  SimdFlashKeptBackward(
      SimdFlashCall c,
      float[] p,
      SimdFlashView q,
      SimdFlashView k,
      SimdFlashView v,
      SimdFlashView gOut,
      float[] delta,
      float[] gq,
      float[] gk,
      float[] gv) {
    this.c = c;
    this.p = p;
    this.q = q;
    this.k = k;
    this.v = v;
    this.gOut = gOut;
    this.delta = delta;
    this.gq = gq;
    this.gk = gk;
    this.gv = gv;
    this.rows = rows(c.tq, c.tk);
  }

  /** Query rows per block for {@code tk} keys: as many as fit {@link #BLOCK_FLOATS}, at least 8. */
  private static int rows(int tq, int tk) {
    return Math.min(tq, Math.max(ALIGN, BLOCK_FLOATS / tk / ALIGN * ALIGN));
  }

  /** Per-thread scratch array {@code slot} of at least {@code size} floats. */
  private static float[] scratch(int slot, int size) {
    float[][] kept = SCRATCH.get();
    if (kept[slot].length < size) {
      if (size > 4 * BLOCK_FLOATS) {
        return new float[size];
      }
      kept[slot] = new float[size];
    }
    return kept[slot];
  }

  /** One-pass task {@code b·Hkv + kvh}: every gradient of the key head and its query heads. */
  void keyHead(int task) {
    int b = task / c.kvHeads;
    int kvh = task % c.kvHeads;
    boolean first = true;
    for (int h = kvh * c.group; h < (kvh + 1) * c.group; h++) {
      for (int i0 = 0; i0 < c.tq; i0 += rows) {
        block(b, h, i0, Math.min(rows, c.tq - i0), 0, c.tk, first, true, true);
        first = false;
      }
    }
  }

  /** Keys per task of the first pass of a two-pass split over {@code threads}. */
  static int keysPerTask(int tk, int keyHeads, int threads) {
    int perHead = Math.max(1, 2 * threads / Math.max(1, keyHeads));
    int keys = (tk + perHead - 1) / perHead;
    return Math.max(ALIGN, (keys + ALIGN - 1) / ALIGN * ALIGN);
  }

  /**
   * First-pass task {@code (b·Hkv + kvh)·blocks + kb}, for blocks of {@code keys} keys: the key and
   * value gradients of the block.
   */
  void keyBlock(int task, int keys) {
    int blocks = (c.tk + keys - 1) / keys;
    int kb = task % blocks;
    int b = task / blocks / c.kvHeads;
    int kvh = task / blocks % c.kvHeads;
    int j0 = kb * keys;
    int bk = Math.min(keys, c.tk - j0);
    boolean first = true;
    for (int h = kvh * c.group; h < (kvh + 1) * c.group; h++) {
      for (int i0 = 0; i0 < c.tq; i0 += rows) {
        block(b, h, i0, Math.min(rows, c.tq - i0), j0, bk, first, false, true);
        first = false;
      }
    }
  }

  /** Query rows per task of the second pass of a two-pass split over {@code threads}. */
  int rowsPerTask(int threads) {
    int perHead = Math.max(1, 2 * threads / Math.max(1, c.batch * c.heads));
    int n = Math.min(rows, (c.tq + perHead - 1) / perHead);
    return Math.max(ALIGN, (n + ALIGN - 1) / ALIGN * ALIGN);
  }

  /**
   * Second-pass task {@code (b·H + h)·blocks + qb}, for blocks of {@code n} query rows: the query
   * gradients of the block.
   */
  void queryBlock(int task, int n) {
    int blocks = (c.tq + n - 1) / n;
    int qb = task % blocks;
    int b = task / blocks / c.heads;
    int h = task / blocks % c.heads;
    int i0 = qb * n;
    block(b, h, i0, Math.min(n, c.tq - i0), 0, c.tk, false, true, false);
  }

  private static MatmulSpec spec(
      int m,
      int n,
      int depth,
      boolean transA,
      boolean transB,
      int ao,
      int lda,
      int bo,
      int ldb,
      int co,
      boolean add) {
    return new MatmulSpec(
        1, m, n, depth, transA, transB, ao, 0, bo, 0, co, 0, 1.0, add ? 1.0 : 0.0, lda, ldb);
  }

  /**
   * Query rows {@code [i0, i0 + bq)} of head {@code h} against keys {@code [j0, j0 + bk)}: adds to
   * the key and value gradients of those keys when {@code keys} (or overwrites them when {@code
   * first}), and writes the query gradients of those rows when {@code queries} (then the keys are
   * all the keys).
   */
  private void block(
      int b, int h, int i0, int bq, int j0, int bk, boolean first, boolean queries, boolean keys) {
    int tk = c.tk;
    int kvh = h / c.group;
    int keyRow = (b * c.kvHeads + kvh) * tk + j0;
    int row0 = c.rowIndex(b, h, i0);
    int pAt = row0 * tk + j0;
    float[] z = null;
    float[] pz = p;
    int pzAt = pAt;
    int pzLd = tk;
    if (c.dropout) {
      z = scratch(1, bq * bk);
      pz = scratch(2, bq * bk);
      pzAt = 0;
      pzLd = bk;
      for (int r = 0; r < bq; r++) {
        c.dropoutFactors(b, h, i0 + r, j0, bk, z, r * bk);
        VecBinary.dense(BinaryOp.MUL, p, pAt + r * tk, z, r * bk, pz, r * bk, 0, bk);
      }
    }
    int gAt = gOut.at(b, h, i0);
    if (keys && gv != null) {
      Gemm.serial(
          spec(bk, c.dv, bq, true, false, pzAt, pzLd, gAt, gOut.ld(bq), keyRow * c.dv, !first),
          pz,
          gOut.a,
          gv);
    }
    boolean toQueries = queries && gq != null;
    boolean toKeys = keys && gk != null;
    if (!toQueries && !toKeys) {
      return;
    }
    float[] ds = scratch(0, bq * bk);
    Gemm.serial(
        spec(bq, bk, c.dv, false, true, gAt, gOut.ld(bq), v.at(b, kvh, j0), v.ld(bk), 0, false),
        gOut.a,
        v.a,
        ds);
    FloatVector vscale = FloatVector.broadcast(S, c.scale);
    for (int r = 0; r < bq; r++) {
      scoreGradients(ds, r * bk, z, p, pAt + r * tk, delta[row0 + r], vscale, bk);
    }
    if (toQueries) {
      Gemm.serial(
          spec(bq, c.d, bk, false, false, 0, bk, k.at(b, kvh, 0), k.ld(bk), row0 * c.d, false),
          ds,
          k.a,
          gq);
    }
    if (toKeys) {
      Gemm.serial(
          spec(bk, c.d, bq, true, false, 0, bk, q.at(b, h, i0), q.ld(bq), keyRow * c.d, !first),
          ds,
          q.a,
          gk);
    }
  }

  /**
   * One row of {@code n} score gradients in place: {@code ds = (ds∘z - d)∘p·scale} ({@code z}
   * skipped when null: no dropout).
   */
  private static void scoreGradients(
      float[] ds, int at, float[] z, float[] p, int pAt, float d, FloatVector vscale, int n) {
    FloatVector vd = FloatVector.broadcast(S, d);
    int j = 0;
    for (int full = S.loopBound(n); j < full; j += L) {
      FloatVector g = FloatVector.fromArray(S, ds, at + j);
      if (z != null) {
        g = g.mul(FloatVector.fromArray(S, z, at + j));
      }
      g.sub(vd).mul(FloatVector.fromArray(S, p, pAt + j)).mul(vscale).intoArray(ds, at + j);
    }
    if (j < n) {
      VectorMask<Float> in = S.indexInRange(j, n);
      FloatVector g = FloatVector.fromArray(S, ds, at + j, in);
      if (z != null) {
        g = g.mul(FloatVector.fromArray(S, z, at + j, in));
      }
      g.sub(vd).mul(FloatVector.fromArray(S, p, pAt + j, in)).mul(vscale).intoArray(ds, at + j, in);
    }
  }
}

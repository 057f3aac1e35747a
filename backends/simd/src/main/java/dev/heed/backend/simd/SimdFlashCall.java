package dev.heed.backend.simd;

import dev.heed.core.backend.AttentionProblem;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One call of {@link SimdFlashAttention}: the sizes, the operand views, the keys (transposed, or
 * with contiguous rows when the scores are computed {@linkplain #byRows by rows}), and the score
 * tile that the forward and backward passes share, so that the backward recomputes exactly the
 * scores whose log-sum-exp the forward wrote.
 *
 * <p>Queries are processed in blocks of {@link #BQ} rows and keys in blocks of {@link #BK}: a tile
 * of scores is {@code BQ × BK} floats in a per-thread {@link SimdFlashScratch}, its rows padded to
 * whole vectors with {@code -∞}.
 */
final class SimdFlashCall {
  static final VectorSpecies<Float> S = SimdFlashGemm.S;
  static final int L = SimdFlashGemm.L;

  /** Queries per block (a multiple of every vector length). */
  static final int BQ = 32;

  /** Keys per block (a multiple of every vector length). */
  static final int BK = 64;

  final AttentionProblem p;
  final int batch;
  final int heads;
  final int kvHeads;
  final int group;
  final int tq;
  final int tk;
  final int d;
  final int dv;
  final float scale;
  final boolean causal;

  /** Whether dropout applies, and the factor of a kept weight, {@code 1/(1 - dropout)}. */
  final boolean dropout;

  final float keptFactor;

  /** {@link SimdFlashDropout#keptBelow} of the keep probability. */
  final long keptBelow;

  final long seed;

  /**
   * Query rows per key head ({@code group·Tq}) up to which scores are dot products of rows rather
   * than products with the transposed keys: transposing the keys costs as much as about ten rows'
   * scores.
   */
  static final int BY_ROWS_MAX = 8;

  final SimdFlashView q;
  final SimdFlashView mask;

  /** The keys transposed: {@code [B·Hkv, d, Tk]}, from {@link #kt(int, int)}; null by rows. */
  final float[] kt;

  /** The keys with contiguous rows when scores are computed by rows, else null. */
  final SimdFlashView keyRows;

  /**
   * @param q queries; with contiguous rows when {@code kt} is null
   * @param kt the keys transposed, or null to compute scores by rows from {@code keyRows}
   */
  SimdFlashCall(
      AttentionProblem p, SimdFlashView q, SimdFlashView mask, float[] kt, SimdFlashView keyRows) {
    this.p = p;
    this.batch = p.batch();
    this.heads = p.heads();
    this.kvHeads = p.kvHeads();
    this.group = p.group();
    this.tq = p.queries();
    this.tk = p.keys();
    this.d = p.headDim();
    this.dv = p.valueDim();
    this.scale = (float) p.scale();
    this.causal = p.causal();
    this.dropout = p.dropout() > 0;
    this.keptFactor = (float) (1.0 / (1 - p.dropout()));
    this.keptBelow = SimdFlashDropout.keptBelow(1 - p.dropout());
    this.seed = p.seed();
    this.q = q;
    this.mask = mask;
    this.kt = kt;
    this.keyRows = keyRows;
  }

  /** Whether the scores of {@code p} are computed by rows (see {@link #BY_ROWS_MAX}). */
  static boolean byRows(AttentionProblem p) {
    return (long) p.group() * p.queries() <= BY_ROWS_MAX;
  }

  /** Query blocks per head. */
  int queryBlocks() {
    return (tq + BQ - 1) / BQ;
  }

  /** Index in {@link #kt} of key head {@code kvh} of batch entry {@code b}, key 0. */
  int kt(int b, int kvh) {
    return (b * kvHeads + kvh) * d * tk;
  }

  /** Index of row {@code (b, h, i)} in {@code [B, H, Tq]} (the log-sum-exps). */
  int rowIndex(int b, int h, int i) {
    return (b * heads + h) * tq + i;
  }

  /**
   * The keys that query {@code i} sees in the block of {@code bk} keys from {@code j0}: a prefix of
   * the block, of length 0 to {@code bk}.
   */
  int visible(int i, int j0, int bk) {
    if (!causal) {
      return bk;
    }
    return Math.max(0, Math.min(bk, i + tk - tq - j0 + 1));
  }

  /** Keys, from 0, that some query of {@code [i0, i0 + bq)} sees under the causal rule. */
  int keysSeen(int i0, int bq) {
    return causal ? Math.max(0, Math.min(tk, i0 + bq - 1 + tk - tq + 1)) : tk;
  }

  /** Whole vectors covering {@code n} columns. */
  static int padded(int n) {
    return (n + L - 1) / L * L;
  }

  /**
   * Fills rows {@code [0, bq)}, columns {@code [0, padded(bk))} of {@code w.s} with the scores of
   * queries {@code i0…} of head {@code h} against keys {@code j0…}: {@code scale·q·kᵀ + mask}, and
   * {@code -∞} where the causal rule hides a key and in the padding.
   */
  void scores(SimdFlashScratch w, int b, int h, int i0, int bq, int j0, int bk) {
    float[] s = w.s;
    if (kt == null) {
      SimdFlashGemm.dots(
          bq,
          bk,
          d,
          q.a,
          q.at(b, h, i0),
          q.row,
          keyRows.a,
          keyRows.at(b, h / group, j0),
          keyRows.row,
          s,
          0,
          BK);
    } else {
      SimdFlashGemm.mul(
          bq,
          bk,
          d,
          q.a,
          q.at(b, h, i0),
          q.row,
          q.col,
          kt,
          kt(b, h / group) + j0,
          tk,
          s,
          0,
          BK,
          false);
    }
    int pad = padded(bk);
    FloatVector vs = FloatVector.broadcast(S, scale);
    for (int r = 0; r < bq; r++) {
      int i = i0 + r;
      int base = r * BK;
      int lim = visible(i, j0, bk);
      if (mask == null) {
        for (int j = 0; j < lim; j += L) {
          FloatVector.fromArray(S, s, base + j).mul(vs).intoArray(s, base + j);
        }
      } else {
        int m0 = mask.at(b, h, i) + j0 * mask.col;
        float[] ma = mask.a;
        if (mask.col == 1) {
          int j = 0;
          for (int full = S.loopBound(lim); j < full; j += L) {
            FloatVector.fromArray(S, s, base + j)
                .fma(vs, FloatVector.fromArray(S, ma, m0 + j))
                .intoArray(s, base + j);
          }
          if (j < lim) {
            VectorMask<Float> in = S.indexInRange(j, lim);
            FloatVector.fromArray(S, s, base + j)
                .fma(vs, FloatVector.fromArray(S, ma, m0 + j, in))
                .intoArray(s, base + j);
          }
        } else if (mask.col == 0) {
          FloatVector vm = FloatVector.broadcast(S, ma[m0]);
          for (int j = 0; j < lim; j += L) {
            FloatVector.fromArray(S, s, base + j).fma(vs, vm).intoArray(s, base + j);
          }
        } else {
          for (int j = 0; j < lim; j++) {
            s[base + j] = s[base + j] * scale + ma[m0 + j * mask.col];
          }
        }
      }
      Arrays.fill(s, base + lim, base + pad, Float.NEGATIVE_INFINITY);
    }
  }

  /**
   * Writes into {@code z[base…]} the dropout factor of each of the keys {@code j0…j0+n} for query
   * {@code i} of head {@code h}: {@link #keptFactor} where {@link AttentionProblem#kept} keeps the
   * weight, else 0 (the same counter-based draws, so the same weights survive).
   */
  void dropoutFactors(int b, int h, int i, int j0, int n, float[] z, int base) {
    SimdFlashDropout.factors(seed, keptBelow, keptFactor, p.dropoutIndex(b, h, i, j0), n, z, base);
  }
}

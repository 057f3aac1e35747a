package dev.heed.backend.simd;

import static dev.heed.backend.simd.SimdFlashCall.BK;
import static dev.heed.backend.simd.SimdFlashCall.BQ;
import static dev.heed.backend.simd.SimdFlashCall.L;
import static dev.heed.backend.simd.SimdFlashCall.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The forward pass of one block of query rows of one head (a task of {@link SimdFlashAttention}),
 * flash-style: for each block of keys, the score tile ({@link SimdFlashCall#scores}), then per row
 * the online softmax (a new running maximum {@code m'}, the old sum and output rescaled by {@code
 * exp(m - m')}, the tile's weights {@code exp(s - m')} added to the sum), then the output block
 * accumulates the tile's weights (times the dropout factors) times the values. At the end each row
 * is divided by its sum and its log-sum-exp {@code m + log(sum)} written; a row that sees no key
 * (sum 0) gets NaN and {@code -∞}. While every score of a row so far is {@code -∞} the shift is 0,
 * so that the weights are 0 rather than {@code exp(-∞ + ∞)}.
 */
final class SimdFlashForward {
  private final SimdFlashCall c;

  /** Values with contiguous rows. */
  private final SimdFlashView v;

  private final SimdFlashView out;
  private final float[] lse;
  private final float[] weights;

  SimdFlashForward(
      SimdFlashCall c, SimdFlashView v, SimdFlashView out, float[] lse, float[] weights) {
    this.c = c;
    this.v = v;
    this.out = out;
    this.lse = lse;
    this.weights = weights;
  }

  /** Task {@code (b·H + h)·queryBlocks + qb}. */
  void run(int task) {
    int blocks = c.queryBlocks();
    int qb = task % blocks;
    int bh = task / blocks;
    block(bh / c.heads, bh % c.heads, qb);
  }

  private void block(int b, int h, int qb) {
    SimdFlashScratch w = SimdFlashScratch.get(c.dv);
    int dv = c.dv;
    int i0 = qb * BQ;
    int bq = Math.min(BQ, c.tq - i0);
    int kvh = h / c.group;
    Arrays.fill(w.m, 0, bq, Float.NEGATIVE_INFINITY);
    Arrays.fill(w.l, 0, bq, 0f);
    Arrays.fill(w.o, 0, bq * dv, 0f);
    int keys = c.keysSeen(i0, bq);
    int blocks = (keys + BK - 1) / BK;
    float[] shifts = weights == null ? null : w.shifts(bq * blocks);
    for (int j0 = 0; j0 < keys; j0 += BK) {
      int bk = Math.min(BK, c.tk - j0);
      c.scores(w, b, h, i0, bq, j0, bk);
      int pad = SimdFlashCall.padded(bk);
      for (int r = 0; r < bq; r++) {
        float shift = update(w, r, pad);
        if (weights != null) {
          shifts[r * blocks + j0 / BK] = shift;
          System.arraycopy(w.s, r * BK, weights, c.rowIndex(b, h, i0 + r) * c.tk + j0, bk);
        }
        if (c.dropout) {
          int base = r * BK;
          int lim = c.visible(i0 + r, j0, bk);
          c.dropoutFactors(b, h, i0 + r, j0, lim, w.z, base);
          for (int j = 0; j < lim; j += L) {
            FloatVector.fromArray(S, w.s, base + j)
                .mul(FloatVector.fromArray(S, w.z, base + j))
                .intoArray(w.s, base + j);
          }
        }
      }
      SimdFlashGemm.mul(bq, dv, bk, w.s, 0, BK, 1, v.a, v.at(b, kvh, j0), v.row, w.o, 0, dv, true);
    }
    for (int r = 0; r < bq; r += L) {
      SimdFlashMath.log(FloatVector.fromArray(S, w.l, r)).intoArray(w.logL, r);
    }
    for (int r = 0; r < bq; r++) {
      finish(w, b, h, i0 + r, r);
    }
    if (weights != null) {
      for (int r = 0; r < bq; r++) {
        normaliseWeights(w, shifts, blocks, c.rowIndex(b, h, i0 + r), r, keys);
      }
    }
  }

  /**
   * The online softmax step of row {@code r} of the tile (see the class comment); returns the shift
   * of the tile's weights {@code exp(s - shift)}.
   */
  private float update(SimdFlashScratch w, int r, int pad) {
    float[] s = w.s;
    int base = r * BK;
    FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int j = 0; j < pad; j += L) {
      vmax = SimdFlashMath.larger(vmax, FloatVector.fromArray(S, s, base + j));
    }
    float old = w.m[r];
    float m = Math.max(old, SimdFlashMath.max(vmax));
    float shift = m == Float.NEGATIVE_INFINITY ? 0f : m;
    FloatVector vshift = FloatVector.broadcast(S, shift);
    FloatVector vsum = FloatVector.zero(S);
    for (int j = 0; j < pad; j += L) {
      FloatVector e = FloatVector.fromArray(S, s, base + j).sub(vshift);
      e = SimdFlashMath.exp(e);
      e.intoArray(s, base + j);
      vsum = vsum.add(e);
    }
    float sum = SimdFlashMath.sum(vsum);
    if (old == m || old == Float.NEGATIVE_INFINITY) {
      // the maximum stands, or the row had no weight yet (its sum and output are 0)
      w.l[r] += sum;
    } else {
      float alpha = SimdFlashMath.exp(FloatVector.broadcast(S, old - shift)).lane(0);
      w.l[r] = w.l[r] * alpha + sum;
      scaleRow(w.o, r * c.dv, c.dv, alpha);
    }
    w.m[r] = m;
    return shift;
  }

  private static void scaleRow(float[] o, int at, int n, float factor) {
    FloatVector f = FloatVector.broadcast(S, factor);
    int j = 0;
    for (int full = S.loopBound(n); j < full; j += L) {
      FloatVector.fromArray(S, o, at + j).mul(f).intoArray(o, at + j);
    }
    for (; j < n; j++) {
      o[at + j] *= factor;
    }
  }

  /**
   * Row {@code r} (query {@code i}) of the output divided by its sum, and its log-sum-exp (NaN when
   * a NaN score made the sum NaN).
   */
  private void finish(SimdFlashScratch w, int b, int h, int i, int r) {
    int dv = c.dv;
    float sum = w.l[r];
    int o = out.at(b, h, i);
    float[] oa = out.a;
    int col = out.col;
    if (sum == 0f) {
      lse[c.rowIndex(b, h, i)] = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < dv; j++) {
        oa[o + j * col] = Float.NaN;
      }
      return;
    }
    lse[c.rowIndex(b, h, i)] = Float.isNaN(sum) ? Float.NaN : w.m[r] + w.logL[r];
    float inv = 1f / sum;
    int src = r * dv;
    if (col == 1) {
      FloatVector f = FloatVector.broadcast(S, inv);
      int j = 0;
      for (int full = S.loopBound(dv); j < full; j += L) {
        FloatVector.fromArray(S, w.o, src + j).mul(f).intoArray(oa, o + j);
      }
      if (j < dv) {
        VectorMask<Float> in = S.indexInRange(j, dv);
        FloatVector.fromArray(S, w.o, src + j, in).mul(f).intoArray(oa, o + j, in);
      }
    } else {
      for (int j = 0; j < dv; j++) {
        oa[o + j * col] = w.o[src + j] * inv;
      }
    }
  }

  /**
   * Row {@code r} (row {@code row} of {@code [B, H, Tq]}) of the kept weights, which hold each key
   * block's {@code exp(s - shift)} for the block's shift in {@code shifts[r·blocks + block]}:
   * rescaled to {@code exp(s - m)/sum} with the row's final shift {@code m} and sum, and 0 for the
   * keys from {@code keys} on, which the causal rule hides from the whole query block. A row whose
   * sum is 0 (it sees no key) or NaN gets NaN weights, as the composite's softmax gives.
   */
  private void normaliseWeights(
      SimdFlashScratch w, float[] shifts, int blocks, int row, int r, int keys) {
    int tk = c.tk;
    int at = row * tk;
    float sum = w.l[r];
    if (sum == 0f || Float.isNaN(sum)) {
      Arrays.fill(weights, at, at + tk, Float.NaN);
      return;
    }
    float m = w.m[r];
    float last = m == Float.NEGATIVE_INFINITY ? 0f : m;
    float inv = 1f / sum;
    for (int kb = 0; kb < blocks; kb++) {
      float shift = shifts[r * blocks + kb];
      float factor =
          shift == last
              ? inv
              : SimdFlashMath.exp(FloatVector.broadcast(S, shift - last)).lane(0) * inv;
      int from = at + kb * BK;
      int n = Math.min(BK, keys - kb * BK);
      FloatVector f = FloatVector.broadcast(S, factor);
      int j = 0;
      for (int full = S.loopBound(n); j < full; j += L) {
        FloatVector.fromArray(S, weights, from + j).mul(f).intoArray(weights, from + j);
      }
      if (j < n) {
        VectorMask<Float> in = S.indexInRange(j, n);
        FloatVector.fromArray(S, weights, from + j, in).mul(f).intoArray(weights, from + j, in);
      }
    }
    Arrays.fill(weights, at + keys, at + tk, 0f);
  }
}

package dev.heed.backend.simd;

import static dev.heed.backend.simd.SimdFlashCall.BK;
import static dev.heed.backend.simd.SimdFlashCall.BQ;
import static dev.heed.backend.simd.SimdFlashCall.L;
import static dev.heed.backend.simd.SimdFlashCall.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The backward pass of {@link SimdFlashAttention}, tile by tile. A tile is a block of query rows of
 * one head against a block of keys: it recomputes the weights {@code P = exp(s - lse)} from the
 * scores and the forward's log-sum-exps, the gradient of the weights {@code dP = gOut·vᵀ}, and with
 * the dropout factors {@code Z} and {@code D[i] = Σ gOut[i]∘out[i]} the gradient of the scores
 * {@code dS = P∘(dP∘Z - D)·scale}; it then adds {@code (P∘Z)ᵀ·gOut} to the values' gradient rows,
 * {@code dSᵀ·q} to the keys' and {@code dS·k} to the queries'.
 *
 * <p>Every gradient element is a sum over tiles in one fixed order: a key row's over its group's
 * query heads, then query blocks; a query row's over key blocks. Work is split either by key head
 * (each task owns the key head's gradients and its group's query gradients: one pass), or, to keep
 * more threads busy when there are fewer key heads than threads, in two passes, by block of keys
 * for the key and value gradients and by block of queries for the query gradients, each recomputing
 * its tiles. Both visit the tiles of each gradient element in the same order with the same
 * arithmetic, so the result does not depend on the split or on the number of threads.
 *
 * <p>A tile is skipped when the causal rule hides all its keys from all its queries, unless a row
 * of the block sees no key at all: that row's weights are NaN (as the composite's softmax of a row
 * of {@code -∞} gives), and they reach every key's gradients as they do in the composite.
 */
final class SimdFlashBackward {
  private final SimdFlashCall c;
  private final float[] vt;
  private final SimdFlashView vRows;
  private final SimdFlashView k;
  private final SimdFlashView qRows;
  private final SimdFlashView gOut;
  private final SimdFlashView gOutRows;
  private final float[] lse;
  private final float[] delta;
  private final float[] gq;
  private final float[] gk;
  private final float[] gv;

  /**
   * @param vt the values transposed, {@code [B·Hkv, dv, Tk]}, or null when the call computes its
   *     scores by rows ({@link SimdFlashCall#byRows}): then the gradient of the weights is by rows
   *     too, from {@code vRows} and {@code gOut}, which then has contiguous rows
   * @param vRows values with contiguous rows when {@code vt} is null, else null
   * @param k keys with contiguous rows
   * @param qRows queries with contiguous rows
   * @param gOut the output gradient, any strides
   * @param gOutRows the output gradient with contiguous rows
   * @param delta {@code D}, {@code [B, H, Tq]}
   */
  SimdFlashBackward(
      SimdFlashCall c,
      float[] vt,
      SimdFlashView vRows,
      SimdFlashView k,
      SimdFlashView qRows,
      SimdFlashView gOut,
      SimdFlashView gOutRows,
      float[] lse,
      float[] delta,
      float[] gq,
      float[] gk,
      float[] gv) {
    this.c = c;
    this.vt = vt;
    this.vRows = vRows;
    this.k = k;
    this.qRows = qRows;
    this.gOut = gOut;
    this.gOutRows = gOutRows;
    this.lse = lse;
    this.delta = delta;
    this.gq = gq;
    this.gk = gk;
    this.gv = gv;
  }

  /** Key blocks per head. */
  private int keyBlocks() {
    return (c.tk + BK - 1) / BK;
  }

  /**
   * Key blocks that the tiles of query block {@code qb} of head {@code h} visit: those with a key
   * the causal rule shows to some row, or all when a row sees none.
   */
  private int keyBlocksOf(int b, int h, int qb) {
    int i0 = qb * BQ;
    int bq = Math.min(BQ, c.tq - i0);
    int keys = c.keysSeen(i0, bq);
    if (keys < c.tk) {
      int row = c.rowIndex(b, h, i0);
      for (int r = 0; r < bq; r++) {
        if (lse[row + r] == Float.NEGATIVE_INFINITY) {
          keys = c.tk;
          break;
        }
      }
    }
    return (keys + BK - 1) / BK;
  }

  /** One-pass task {@code b·Hkv + kvh}: every gradient of the key head and its query heads. */
  void keyHead(int task) {
    SimdFlashScratch w = SimdFlashScratch.get(0);
    int b = task / c.kvHeads;
    int kvh = task % c.kvHeads;
    zeroKeyRows(b, kvh, 0, c.tk);
    int blocks = c.queryBlocks();
    for (int h = kvh * c.group; h < (kvh + 1) * c.group; h++) {
      if (gq != null) {
        Arrays.fill(gq, c.rowIndex(b, h, 0) * c.d, c.rowIndex(b, h, c.tq) * c.d, 0f);
      }
      for (int qb = 0; qb < blocks; qb++) {
        int kbs = keyBlocksOf(b, h, qb);
        for (int kb = 0; kb < kbs; kb++) {
          tile(w, b, h, qb, kb, gq != null, true);
        }
      }
    }
  }

  /**
   * First-pass task {@code (b·Hkv + kvh)·keyBlocks + kb}: the key and value gradients of a block.
   */
  void keyBlock(int task) {
    SimdFlashScratch w = SimdFlashScratch.get(0);
    int blocks = keyBlocks();
    int kb = task % blocks;
    int b = task / blocks / c.kvHeads;
    int kvh = task / blocks % c.kvHeads;
    zeroKeyRows(b, kvh, kb * BK, Math.min(c.tk, (kb + 1) * BK));
    int qbs = c.queryBlocks();
    for (int h = kvh * c.group; h < (kvh + 1) * c.group; h++) {
      for (int qb = 0; qb < qbs; qb++) {
        if (kb < keyBlocksOf(b, h, qb)) {
          tile(w, b, h, qb, kb, false, true);
        }
      }
    }
  }

  /** Second-pass task {@code (b·H + h)·queryBlocks + qb}: the query gradients of a block. */
  void queryBlock(int task) {
    SimdFlashScratch w = SimdFlashScratch.get(0);
    int blocks = c.queryBlocks();
    int qb = task % blocks;
    int b = task / blocks / c.heads;
    int h = task / blocks % c.heads;
    int i0 = qb * BQ;
    int bq = Math.min(BQ, c.tq - i0);
    Arrays.fill(gq, c.rowIndex(b, h, i0) * c.d, c.rowIndex(b, h, i0 + bq) * c.d, 0f);
    int kbs = keyBlocksOf(b, h, qb);
    for (int kb = 0; kb < kbs; kb++) {
      tile(w, b, h, qb, kb, true, false);
    }
  }

  /** Tasks of the first pass (one per key block of each key head). */
  int keyBlockTasks() {
    return c.batch * c.kvHeads * keyBlocks();
  }

  private void zeroKeyRows(int b, int kvh, int from, int to) {
    int row = (b * c.kvHeads + kvh) * c.tk;
    if (gk != null) {
      Arrays.fill(gk, (row + from) * c.d, (row + to) * c.d, 0f);
    }
    if (gv != null) {
      Arrays.fill(gv, (row + from) * c.dv, (row + to) * c.dv, 0f);
    }
  }

  /**
   * Adds tile {@code (qb, kb)} of head {@code h} to the query gradients when {@code queries}, and
   * to the key and value gradients when {@code keys}.
   */
  private void tile(
      SimdFlashScratch w, int b, int h, int qb, int kb, boolean queries, boolean keys) {
    int i0 = qb * BQ;
    int bq = Math.min(BQ, c.tq - i0);
    int j0 = kb * BK;
    int bk = Math.min(BK, c.tk - j0);
    int kvh = h / c.group;
    int pad = SimdFlashCall.padded(bk);
    int keyRow = (b * c.kvHeads + kvh) * c.tk + j0;
    c.scores(w, b, h, i0, bq, j0, bk);
    float[] s = w.s;
    float[] weighted = s;
    for (int r = 0; r < bq; r++) {
      int base = r * BK;
      FloatVector vl = FloatVector.broadcast(S, lse[c.rowIndex(b, h, i0 + r)]);
      for (int j = 0; j < pad; j += L) {
        SimdFlashMath.exp(FloatVector.fromArray(S, s, base + j).sub(vl)).intoArray(s, base + j);
      }
      if (c.dropout) {
        c.dropoutFactors(b, h, i0 + r, j0, c.visible(i0 + r, j0, bk), w.z, base);
        for (int j = 0; j < pad; j += L) {
          FloatVector.fromArray(S, s, base + j)
              .mul(FloatVector.fromArray(S, w.z, base + j))
              .intoArray(w.pz, base + j);
        }
        weighted = w.pz;
      }
    }
    if (keys && gv != null) {
      SimdFlashGemm.mul(
          bk,
          c.dv,
          bq,
          weighted,
          0,
          1,
          BK,
          gOutRows.a,
          gOutRows.at(b, h, i0),
          gOutRows.row,
          gv,
          keyRow * c.dv,
          c.dv,
          true);
    }
    boolean toQueries = queries && gq != null;
    boolean toKeys = keys && gk != null;
    if (!toQueries && !toKeys) {
      return;
    }
    float[] dp = w.dp;
    if (vt == null) {
      SimdFlashGemm.dots(
          bq,
          bk,
          c.dv,
          gOut.a,
          gOut.at(b, h, i0),
          gOut.row,
          vRows.a,
          vRows.at(b, kvh, j0),
          vRows.row,
          dp,
          0,
          BK);
    } else {
      SimdFlashGemm.mul(
          bq,
          bk,
          c.dv,
          gOut.a,
          gOut.at(b, h, i0),
          gOut.row,
          gOut.col,
          vt,
          (b * c.kvHeads + kvh) * c.dv * c.tk + j0,
          c.tk,
          dp,
          0,
          BK,
          false);
    }
    FloatVector vscale = FloatVector.broadcast(S, c.scale);
    for (int r = 0; r < bq; r++) {
      int base = r * BK;
      FloatVector vd = FloatVector.broadcast(S, delta[c.rowIndex(b, h, i0 + r)]);
      for (int j = 0; j < pad; j += L) {
        FloatVector g = FloatVector.fromArray(S, dp, base + j);
        if (c.dropout) {
          g = g.mul(FloatVector.fromArray(S, w.z, base + j));
        }
        g.sub(vd).mul(FloatVector.fromArray(S, s, base + j)).mul(vscale).intoArray(dp, base + j);
      }
    }
    if (toQueries) {
      SimdFlashGemm.mul(
          bq,
          c.d,
          bk,
          dp,
          0,
          BK,
          1,
          k.a,
          k.at(b, kvh, j0),
          k.row,
          gq,
          c.rowIndex(b, h, i0) * c.d,
          c.d,
          true);
    }
    if (toKeys) {
      SimdFlashGemm.mul(
          bk,
          c.d,
          bq,
          dp,
          0,
          1,
          BK,
          qRows.a,
          qRows.at(b, h, i0),
          qRows.row,
          gk,
          keyRow * c.d,
          c.d,
          true);
    }
  }
}

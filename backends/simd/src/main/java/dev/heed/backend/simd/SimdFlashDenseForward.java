package dev.heed.backend.simd;

import static dev.heed.backend.simd.SimdFlashCall.L;
import static dev.heed.backend.simd.SimdFlashCall.S;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.MatmulSpec;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The forward pass of {@link SimdFlashAttention} for calls with at most {@link #MAX_KEYS} keys,
 * block of query rows by block: the products {@code q·kᵀ} of the block and every key at once by the
 * packed {@link Gemm}, straight into the kept weights (or a per-thread scratch when they are not
 * wanted); then per row the score {@code scale·q·k + mask}, hidden keys set aside by the causal
 * rule, the exact largest score as the shift, and the exponentials {@code exp(score - shift)} in
 * place with their sum; then {@code (E∘Z)·v} by {@link Gemm} with the dropout factors {@code Z},
 * each output row divided by its sum, and the log-sum-exps {@code shift + log(sum)}; last, the kept
 * weights divided by their sums. With up to some hundreds of keys this beats the online softmax of
 * {@link SimdFlashForward}: the products are larger and nothing is rescaled. The output is the same
 * bits whether the weights are kept or not (only where the exponentials are written differs).
 *
 * <p>A row whose keys are all hidden gets a NaN output, NaN weights and a log-sum-exp of {@code
 * -∞}; a NaN score makes its row's output, weights and log-sum-exp NaN (as the composite's
 * softmax).
 */
final class SimdFlashDenseForward {
  /** The most keys for which the forward runs here rather than flash-style. */
  static final int MAX_KEYS = 1024;

  /** Floats of a block of scores (query rows times keys), at most: 256 KiB. */
  private static final int BLOCK_FLOATS = 1 << 16;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(
          () -> new float[][] {new float[0], new float[0], new float[0], new float[0]});

  private final SimdFlashCall c;
  private final SimdFlashView q;
  private final SimdFlashView k;
  private final SimdFlashView v;
  private final SimdFlashView out;
  private final float[] lse;
  private final float[] weights;

  /** Query rows per block. */
  final int rows;

  /**
   * @param c the call; its queries {@link SimdFlashView#gemmRows}
   * @param k keys, {@link SimdFlashView#gemmRows}; likewise {@code v}
   * @param weights where the weights are kept, or null
   */
  SimdFlashDenseForward(
      SimdFlashCall c,
      SimdFlashView k,
      SimdFlashView v,
      SimdFlashView out,
      float[] lse,
      float[] weights) {
    this.c = c;
    this.q = c.q;
    this.k = k;
    this.v = v;
    this.out = out;
    this.lse = lse;
    this.weights = weights;
    this.rows = Math.min(c.tq, Math.max(8, BLOCK_FLOATS / c.tk / 8 * 8));
  }

  /** Whether this forward takes {@code p}: some keys, at most {@link #MAX_KEYS}. */
  static boolean takes(AttentionProblem p) {
    return p.keys() > 0 && p.keys() <= MAX_KEYS && !SimdFlashCall.byRows(p);
  }

  /** Tasks of the call: one per block of query rows of each head. */
  int tasks() {
    return c.batch * c.heads * ((c.tq + rows - 1) / rows);
  }

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

  private static MatmulSpec spec(
      int m, int n, int depth, boolean transB, int ao, int lda, int bo, int ldb, int co) {
    return new MatmulSpec(1, m, n, depth, false, transB, ao, 0, bo, 0, co, 0, 1.0, 0.0, lda, ldb);
  }

  /** Task {@code (b·H + h)·blocks + qb}. */
  void run(int task) {
    int blocks = (c.tq + rows - 1) / rows;
    int qb = task % blocks;
    int bh = task / blocks;
    int b = bh / c.heads;
    int h = bh % c.heads;
    int i0 = qb * rows;
    int bq = Math.min(rows, c.tq - i0);
    int tk = c.tk;
    int kvh = h / c.group;
    int row0 = c.rowIndex(b, h, i0);
    float[] s;
    int at;
    if (weights != null) {
      s = weights;
      at = row0 * tk;
    } else {
      s = scratch(0, bq * tk);
      at = 0;
    }
    Gemm.serial(
        spec(bq, tk, c.d, true, q.at(b, h, i0), q.ld(bq), k.at(b, kvh, 0), k.ld(tk), at),
        q.a,
        k.a,
        s);
    // per row: the shift, the sum, the logarithm of the sum, and 1/sum
    float[] rowsums = scratch(1, 4 * bq);
    if (c.mask == null && c.scale > 0) {
      exponentials(s, at, i0, bq, rowsums);
    } else {
      for (int r = 0; r < bq; r++) {
        exponentials(s, at + r * tk, b, h, i0 + r, rowsums, r, bq);
      }
    }
    for (int r = 0; r < bq; r += L) {
      VectorMask<Float> in = S.indexInRange(r, bq);
      FloatVector sum = FloatVector.fromArray(S, rowsums, bq + r, in);
      SimdFlashMath.log(sum).intoArray(rowsums, 2 * bq + r, in);
      FloatVector.broadcast(S, 1f).div(sum).intoArray(rowsums, 3 * bq + r, in);
    }
    int keys = c.keysSeen(i0, bq);
    int dv = c.dv;
    float[] o;
    int oAt;
    int oLd;
    if (out.col == 1 && (out.row == dv || bq == 1)) {
      // the output block is dense: the product writes it in place
      o = out.a;
      oAt = out.at(b, h, i0);
      oLd = dv;
    } else {
      o = scratch(2, bq * dv);
      oAt = 0;
      oLd = dv;
    }
    if (keys > 0) {
      float[] a = s;
      int aAt = at;
      int lda = tk;
      if (c.dropout) {
        a = scratch(3, bq * keys);
        aAt = 0;
        lda = keys;
        for (int r = 0; r < bq; r++) {
          c.dropoutFactors(b, h, i0 + r, 0, keys, a, r * keys);
          VecBinary.dense(BinaryOp.MUL, s, at + r * tk, a, r * keys, a, r * keys, 0, keys);
        }
      }
      Gemm.serial(spec(bq, dv, keys, false, aAt, lda, v.at(b, kvh, 0), v.ld(keys), oAt), a, v.a, o);
    }
    for (int r = 0; r < bq; r++) {
      float sum = rowsums[bq + r];
      int row = row0 + r;
      int to = out.at(b, h, i0 + r);
      boolean none = sum == 0f || Float.isNaN(sum);
      if (none) {
        lse[row] = sum == 0f ? Float.NEGATIVE_INFINITY : Float.NaN;
        for (int j = 0; j < dv; j++) {
          out.a[to + j * out.col] = Float.NaN;
        }
      } else {
        lse[row] = rowsums[r] + rowsums[2 * bq + r];
        scaleInto(o, oAt + r * oLd, out.a, to, out.col, dv, rowsums[3 * bq + r]);
      }
      if (weights != null) {
        int w = at + r * tk;
        if (none) {
          Arrays.fill(weights, w, w + tk, Float.NaN);
        } else {
          scaleInto(weights, w, weights, w, 1, tk, rowsums[3 * bq + r]);
        }
      }
    }
  }

  /**
   * {@code y[yo + j·col] = x[xo + j]·factor} for {@code j < n} ({@code x} and {@code y} the same
   * elements, or disjoint).
   */
  private static void scaleInto(float[] x, int xo, float[] y, int yo, int col, int n, float f) {
    int j = 0;
    if (col == 1) {
      FloatVector vf = FloatVector.broadcast(S, f);
      for (int full = S.loopBound(n); j < full; j += L) {
        FloatVector.fromArray(S, x, xo + j).mul(vf).intoArray(y, yo + j);
      }
    }
    for (; j < n; j++) {
      y[yo + j * col] = x[xo + j] * f;
    }
  }

  /**
   * As {@link #exponentials(float[], int, int, int, int, float[], int, int)} for rows {@code [i0,
   * i0 + n)} at {@code s[at…]} without a mask and with a positive scale: the largest score is the
   * scale times the largest product (rounding is monotonic), and the exponentials take the products
   * where they lie. One loop over the rows, so that the constants stay in registers.
   */
  private void exponentials(float[] s, int at, int i0, int n, float[] rowsums) {
    int tk = c.tk;
    FloatVector vscale = FloatVector.broadcast(S, c.scale);
    FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    for (int r = 0; r < n; r++) {
      int row = at + r * tk;
      int lim = c.visible(i0 + r, 0, tk);
      int full = S.loopBound(lim);
      FloatVector m0 = ninf;
      FloatVector m1 = ninf;
      int j = 0;
      for (; j + L < full; j += 2 * L) {
        m0 = SimdFlashMath.larger(m0, FloatVector.fromArray(S, s, row + j));
        m1 = SimdFlashMath.larger(m1, FloatVector.fromArray(S, s, row + j + L));
      }
      if (j < full) {
        m0 = SimdFlashMath.larger(m0, FloatVector.fromArray(S, s, row + j));
      }
      if (full < lim) {
        VectorMask<Float> in = S.indexInRange(full, lim);
        m1 = SimdFlashMath.larger(m1, ninf.blend(FloatVector.fromArray(S, s, row + full, in), in));
      }
      float max = SimdFlashMath.max(SimdFlashMath.larger(m0, m1)) * c.scale;
      float shift = max == Float.NEGATIVE_INFINITY ? 0f : max;
      FloatVector vshift = FloatVector.broadcast(S, -shift);
      FloatVector vsum = FloatVector.zero(S);
      for (j = 0; j < full; j += L) {
        FloatVector e = SimdFlashMath.exp(FloatVector.fromArray(S, s, row + j).fma(vscale, vshift));
        e.intoArray(s, row + j);
        vsum = vsum.add(e);
      }
      if (full < lim) {
        VectorMask<Float> in = S.indexInRange(full, lim);
        FloatVector e =
            SimdFlashMath.exp(FloatVector.fromArray(S, s, row + full, in).fma(vscale, vshift));
        e.intoArray(s, row + full, in);
        vsum = vsum.add(FloatVector.zero(S).blend(e, in));
      }
      rowsums[r] = shift;
      rowsums[n + r] = SimdFlashMath.sum(vsum);
      if (lim < tk) {
        Arrays.fill(s, row + lim, row + tk, 0f);
      }
    }
  }

  /**
   * Row {@code i} of head {@code h} in place at {@code s[at…at+Tk)}: from the products {@code q·k}
   * to the exponentials {@code exp(score - shift)} of the keys it sees and 0 for the others, with
   * the score {@code scale·q·k + mask} and the shift the row's largest score (0 when that is {@code
   * -∞}); writes the shift and the sum of the exponentials into {@code rowsums[r]} and {@code
   * rowsums[n + r]}. (In small methods, each compiled on its own: one large one is left to the
   * first compiler tier when its loops are short.)
   */
  private void exponentials(float[] s, int at, int b, int h, int i, float[] rowsums, int r, int n) {
    int tk = c.tk;
    int lim = c.visible(i, 0, tk);
    SimdFlashView mask = c.mask;
    float scale = c.scale;
    float max;
    if (mask == null) {
      max = scaled(s, at, lim, scale);
    } else if (mask.col <= 1) {
      max = masked(s, at, lim, scale, mask.a, mask.at(b, h, i), mask.col);
    } else {
      max = Float.NEGATIVE_INFINITY;
      float[] ma = mask.a;
      int m0 = mask.at(b, h, i);
      for (int j = 0; j < lim; j++) {
        float x = Math.fma(s[at + j], scale, ma[m0 + j * mask.col]);
        s[at + j] = x;
        max = x > max ? x : max;
      }
    }
    float shift = max == Float.NEGATIVE_INFINITY ? 0f : max;
    float sum = exps(s, at, lim, 1f, shift);
    rowsums[r] = shift;
    rowsums[n + r] = sum;
    Arrays.fill(s, at + lim, at + tk, 0f);
  }

  /** {@code s[at…at+n) *= scale}; returns the largest (a NaN may or may not win). */
  private static float scaled(float[] s, int at, int n, float scale) {
    FloatVector vs = FloatVector.broadcast(S, scale);
    FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    int j = 0;
    for (int full = S.loopBound(n); j < full; j += L) {
      FloatVector x = FloatVector.fromArray(S, s, at + j).mul(vs);
      x.intoArray(s, at + j);
      vmax = SimdFlashMath.larger(vmax, x);
    }
    float max = SimdFlashMath.max(vmax);
    for (; j < n; j++) {
      float x = s[at + j] * scale;
      s[at + j] = x;
      max = x > max ? x : max;
    }
    return max;
  }

  /**
   * {@code s[at…at+n) = s·scale + m} with the mask {@code m[m0 + j·mc]} ({@code mc} 0 or 1);
   * returns the largest (a NaN may or may not win).
   */
  private static float masked(float[] s, int at, int n, float scale, float[] m, int m0, int mc) {
    FloatVector vs = FloatVector.broadcast(S, scale);
    FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
    FloatVector one = FloatVector.broadcast(S, m[m0]);
    int j = 0;
    for (int full = S.loopBound(n); j < full; j += L) {
      FloatVector vm = mc == 0 ? one : FloatVector.fromArray(S, m, m0 + j);
      FloatVector x = FloatVector.fromArray(S, s, at + j).fma(vs, vm);
      x.intoArray(s, at + j);
      vmax = SimdFlashMath.larger(vmax, x);
    }
    float max = SimdFlashMath.max(vmax);
    for (; j < n; j++) {
      float x = Math.fma(s[at + j], scale, m[m0 + j * mc]);
      s[at + j] = x;
      max = x > max ? x : max;
    }
    return max;
  }

  /** {@code s[at…at+n) = exp(s·scale - shift)}; returns their sum. */
  private static float exps(float[] s, int at, int n, float scale, float shift) {
    FloatVector vscale = FloatVector.broadcast(S, scale);
    FloatVector vshift = FloatVector.broadcast(S, -shift);
    FloatVector vsum = FloatVector.zero(S);
    int j = 0;
    int full = S.loopBound(n);
    for (; j < full; j += L) {
      FloatVector e = SimdFlashMath.exp(FloatVector.fromArray(S, s, at + j).fma(vscale, vshift));
      e.intoArray(s, at + j);
      vsum = vsum.add(e);
    }
    if (j < n) {
      VectorMask<Float> in = S.indexInRange(j, n);
      FloatVector e =
          SimdFlashMath.exp(FloatVector.fromArray(S, s, at + j, in).fma(vscale, vshift));
      e.intoArray(s, at + j, in);
      vsum = vsum.add(FloatVector.zero(S).blend(e, in));
    }
    return SimdFlashMath.sum(vsum);
  }
}

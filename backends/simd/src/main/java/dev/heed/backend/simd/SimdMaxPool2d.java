package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.support.HeapBuffer;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FusedMaxPool2d} for FLOAT32: one pass over the image each way, planes split over the
 * threads. The maximum is {@link Math#max(float, float)} (NaN wins, {@code +0} above {@code -0}),
 * as the MAX reduction computes it; the gradient goes to each window's first element equal to the
 * maximum, or, in a window holding NaNs, to its last NaN, as PyTorch and core's composite route it.
 * 2x2 windows (the common case) are vectorised along the image rows, a pair of rows at a time: lane
 * {@code i} and its partner {@code i ^ 1} are one window's two columns; the other sizes run scalar
 * loops.
 */
final class SimdMaxPool2d implements FusedMaxPool2d {
  /** Planes per task: a few thousand elements each. */
  private static final long GRAIN = 4;

  private static final VectorSpecies<Float> V = FloatVector.SPECIES_PREFERRED;

  /** Lane {@code i} takes lane {@code i ^ 1}: the other column of a 2-wide window. */
  private static final VectorShuffle<Float> PARTNER = VectorShuffle.fromOp(V, i -> i ^ 1);

  /** The odd lanes: a window's second column. */
  private static final VectorMask<Float> ODD = VectorMask.fromLong(V, 0xAAAAAAAAAAAAAAAAL);

  private static final FloatVector ZERO = FloatVector.zero(V);
  private static final FloatVector ONE = FloatVector.broadcast(V, 1f);

  /** Lane {@code i} takes lane {@code i / 2}: a window's value repeated for its two columns. */
  private static final VectorShuffle<Float> REPEAT = VectorShuffle.fromOp(V, i -> i >> 1);

  /** The even lanes: a window's first column. */
  private static final VectorMask<Float> EVEN = ODD.not();

  private final SimdBackend backend;

  SimdMaxPool2d(SimdBackend backend) {
    this.backend = backend;
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32;
  }

  private static float[] floats(Buffer b) {
    return ((HeapBuffer) b).floats();
  }

  @Override
  public void forward(Buffer x, int planes, int h, int w, int kh, int kw, Buffer y) {
    float[] xs = floats(x);
    float[] ys = floats(y);
    backend
        .workers()
        .parallelRange(
            planes,
            GRAIN,
            (from, to) -> {
              for (int p = (int) from; p < to; p++) {
                forwardPlane(xs, p * h * w, h, w, kh, kw, ys, p * (h / kh) * (w / kw));
              }
            });
  }

  private static void forwardPlane(
      float[] xs, int xBase, int h, int w, int kh, int kw, float[] ys, int yBase) {
    int oh = h / kh;
    int ow = w / kw;
    int out = yBase;
    for (int oy = 0; oy < oh; oy++) {
      int row = xBase + oy * kh * w;
      if (kh == 2 && kw == 2) {
        // the two rows' maximum, then each lane's with its window partner; the even lanes hold
        // the windows' maxima, packed into the first half and stored
        int cols = 2 * ow;
        int half = V.length() / 2;
        for (int j = 0; j < cols; j += V.length()) {
          VectorMask<Float> in = V.indexInRange(j, cols);
          FloatVector v =
              FloatVector.fromArray(V, xs, row + j, in)
                  .max(FloatVector.fromArray(V, xs, row + w + j, in));
          v = v.max(v.rearrange(PARTNER)).compress(EVEN);
          v.intoArray(ys, out + j / 2, V.indexInRange(j / 2, Math.min(ow, j / 2 + half)));
        }
        out += ow;
        continue;
      }
      for (int ox = 0; ox < ow; ox++) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0, r = row + ox * kw; i < kh; i++, r += w) {
          for (int j = 0; j < kw; j++) {
            m = Math.max(m, xs[r + j]);
          }
        }
        ys[out++] = m;
      }
    }
  }

  @Override
  public void backward(
      Buffer gy, Buffer x, Buffer y, int planes, int h, int w, int kh, int kw, Buffer gx) {
    float[] gys = floats(gy);
    float[] xs = floats(x);
    float[] ys = floats(y);
    float[] gxs = floats(gx);
    backend
        .workers()
        .parallelRange(
            planes,
            GRAIN,
            (from, to) -> {
              for (int p = (int) from; p < to; p++) {
                backwardPlane(gys, xs, ys, p * h * w, h, w, kh, kw, gxs, p * (h / kh) * (w / kw));
              }
            });
  }

  private static void backwardPlane(
      float[] gys,
      float[] xs,
      float[] ys,
      int xBase,
      int h,
      int w,
      int kh,
      int kw,
      float[] gxs,
      int yBase) {
    int oh = h / kh;
    int ow = w / kw;
    boolean pairs = kh == 2 && kw == 2;
    if (!pairs || oh * kh != h || ow * kw != w) {
      Arrays.fill(gxs, xBase, xBase + h * w, 0f);
    }
    int out = yBase;
    for (int oy = 0; oy < oh; oy++) {
      int row = xBase + oy * kh * w;
      if (pairs) {
        pairRows(gys, xs, ys, row, w, ow, gxs, out);
        out += ow;
        continue;
      }
      for (int ox = 0; ox < ow; ox++, out++) {
        float m = ys[out];
        int at = routed(xs, row + ox * kw, w, kh, kw, m);
        if (at >= 0) {
          gxs[at] = gys[out];
        }
      }
    }
  }

  /**
   * The gradient of one row of 2x2 windows (image rows {@code row} and {@code row + w}, output
   * {@code ow} windows from {@code out}); writes all {@code 2·ow} columns of both rows. Vectorised
   * along the row: the window's value and gradient repeated for its two columns, candidates
   * compared lane by lane, and each lane told whether its window partner (lane {@code i ^ 1}) is a
   * candidate, so that the first candidate in window order takes the gradient, or, in a window
   * holding NaNs (whose candidates are its NaNs), the last.
   */
  private static void pairRows(
      float[] gys, float[] xs, float[] ys, int row, int w, int ow, float[] gxs, int out) {
    int cols = 2 * ow;
    int half = V.length() / 2;
    for (int j = 0; j < cols; j += V.length()) {
      // the last vector of the row is masked; its lanes past the row read and write nothing
      VectorMask<Float> in = V.indexInRange(j, cols);
      FloatVector a = FloatVector.fromArray(V, xs, row + j, in);
      FloatVector c = FloatVector.fromArray(V, xs, row + w + j, in);
      // the windows of these columns: their values and gradients, each repeated for two lanes
      VectorMask<Float> windows = V.indexInRange(out + j / 2, out + Math.min(ow, j / 2 + half));
      FloatVector m = FloatVector.fromArray(V, ys, out + j / 2, windows).rearrange(REPEAT);
      // candidates: the elements equal to the window's maximum, or NaN (a window holding a NaN
      // has the maximum NaN, and its NaNs are its only candidates)
      VectorMask<Float> ca = a.eq(m).or(a.test(VectorOperators.IS_NAN));
      VectorMask<Float> cc = c.eq(m).or(c.test(VectorOperators.IS_NAN));
      VectorMask<Float> pa = ZERO.blend(ONE, ca).rearrange(PARTNER).compare(VectorOperators.NE, 0f);
      VectorMask<Float> pc = ZERO.blend(ONE, cc).rearrange(PARTNER).compare(VectorOperators.NE, 0f);
      // the scan order: top row then bottom row, left column first (the first candidate takes
      // the gradient); reversed in a NaN window (its last NaN takes it). `later` marks the lanes
      // whose row partner comes earlier in that order and so takes precedence.
      VectorMask<Float> reversed = m.test(VectorOperators.IS_NAN);
      VectorMask<Float> later = ODD.xor(reversed);
      VectorMask<Float> takeA = ca.andNot(pa.and(later)).andNot(reversed.and(cc.or(pc)));
      VectorMask<Float> takeC = cc.andNot(ca.or(pa).andNot(reversed)).andNot(pc.and(later));
      FloatVector g = FloatVector.fromArray(V, gys, out + j / 2, windows).rearrange(REPEAT);
      ZERO.blend(g, takeA).intoArray(gxs, row + j, in);
      ZERO.blend(g, takeC).intoArray(gxs, row + w + j, in);
    }
  }

  /**
   * Where the window's gradient goes: the index of its first element, in row-major order, that
   * equals {@code m}, or, when {@code m} is NaN, of its last NaN (PyTorch's scan keeps an element
   * larger than the maximum so far or NaN); -1 when none (never when {@code m} is the window's
   * maximum).
   */
  private static int routed(float[] xs, int corner, int w, int kh, int kw, float m) {
    if (m != m) {
      for (int i = kh - 1, r = corner + (kh - 1) * w; i >= 0; i--, r -= w) {
        for (int j = kw - 1; j >= 0; j--) {
          if (xs[r + j] != xs[r + j]) {
            return r + j;
          }
        }
      }
      return -1;
    }
    for (int i = 0, r = corner; i < kh; i++, r += w) {
      for (int j = 0; j < kw; j++) {
        if (xs[r + j] == m) {
          return r + j;
        }
      }
    }
    return -1;
  }
}

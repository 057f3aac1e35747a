package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.support.HeapBuffer;
import java.util.Arrays;

/**
 * {@link FusedMaxPool2d} for FLOAT32: one pass over the image each way, planes split over the
 * threads. The maximum is {@link Math#max(float, float)} (NaN wins, {@code +0} above {@code -0}),
 * as the MAX reduction computes it; the gradient goes to each window's first element equal to the
 * maximum or NaN, as core's composite routes it.
 */
final class SimdMaxPool2d implements FusedMaxPool2d {
  /** Planes per task: a few thousand elements each. */
  private static final long GRAIN = 4;

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
        for (int ox = 0, i = row; ox < ow; ox++, i += 2) {
          ys[out++] = Math.max(Math.max(xs[i], xs[i + 1]), Math.max(xs[i + w], xs[i + w + 1]));
        }
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
        // every element of the 2x2 windows written, without branches on the data
        for (int ox = 0, i = row; ox < ow; ox++, i += 2, out++) {
          float m = ys[out];
          float g = gys[out];
          float a = xs[i];
          float b = xs[i + 1];
          float c = xs[i + w];
          float d = xs[i + w + 1];
          boolean ta = a == m | a != a;
          boolean tb = !ta & (b == m | b != b);
          boolean tc = !ta & !tb & (c == m | c != c);
          boolean td = !ta & !tb & !tc & (d == m | d != d);
          gxs[i] = ta ? g : 0f;
          gxs[i + 1] = tb ? g : 0f;
          gxs[i + w] = tc ? g : 0f;
          gxs[i + w + 1] = td ? g : 0f;
        }
        continue;
      }
      for (int ox = 0; ox < ow; ox++, out++) {
        float m = ys[out];
        int at = first(xs, row + ox * kw, w, kh, kw, m);
        if (at >= 0) {
          gxs[at] = gys[out];
        }
      }
    }
  }

  /**
   * The index of the window's first element, in row-major order, that equals {@code m} or is NaN;
   * -1 when none does (never when {@code m} is the window's maximum).
   */
  private static int first(float[] xs, int corner, int w, int kh, int kw, float m) {
    for (int i = 0, r = corner; i < kh; i++, r += w) {
      for (int j = 0; j < kw; j++) {
        float v = xs[r + j];
        if (v == m || v != v) {
          return r + j;
        }
      }
    }
    return -1;
  }
}

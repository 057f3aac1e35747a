package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The kernels built on {@link VecMath} (EXP, LOG and SIGMOID unary, softmax and log-softmax, row
 * sums, the narrow matmul, fused layer norm forward and backward) give exactly the bits of a scalar
 * Java copy of their algorithm (the same operations in the same order), on their first call and
 * after 20,000 calls (by then the JIT has compiled them with the Vector API intrinsics), on lengths
 * around the vector length and on special values. The copies use only exactly specified operations,
 * so their bits do not depend on the JIT, and neither may the kernels'.
 */
class RepeatableKernelsTest {
  private static final int L = VecMath.L;
  private static final int[] LENGTHS = {1, 15, 16, 17, 33, 1000};
  private static final int WARM_UP_CALLS = 20_000;

  private static float[] random(long seed, int n, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (lo + r.nextDouble() * (hi - lo));
    }
    return v;
  }

  /** Random values in {@code [lo, hi)} with the special values spread among them. */
  private static float[] withSpecials(long seed, int n, double lo, double hi) {
    float[] v = random(seed, n, lo, hi);
    for (int i = 0; i < n; i += 7) {
      v[i] = VecMathTest.SPECIAL[(i / 7) % VecMathTest.SPECIAL.length];
    }
    return v;
  }

  private static void assertBits(String what, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
        assertEquals(expected[i], actual[i], what + " at " + i);
        assertEquals(
            Float.floatToIntBits(expected[i]),
            Float.floatToIntBits(actual[i]),
            what + " at " + i + ": the sign of 0 or a NaN's bits");
      }
    }
  }

  /**
   * Compares {@code kernel} with {@code copy} for every length: once before the warm-up, then after
   * {@code WARM_UP_CALLS} calls of {@code warm}.
   */
  private static void coldAndCompiled(
      String what, Runnable warm, java.util.function.IntFunction<float[][]> pair) {
    for (int n : LENGTHS) {
      float[][] r = pair.apply(n);
      assertBits(what + " n=" + n + " (first calls)", r[0], r[1]);
    }
    for (int i = 0; i < WARM_UP_CALLS; i++) {
      warm.run();
    }
    for (int n : LENGTHS) {
      float[][] r = pair.apply(n);
      assertBits(what + " n=" + n + " (compiled)", r[0], r[1]);
    }
  }

  // ---- unary ---------------------------------------------------------------------------------

  private static float[][] unary(UnaryOp op, float[] x) {
    float[] expected = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      expected[i] =
          switch (op) {
            case EXP -> VecMathCopy.exp(x[i]);
            case LOG -> VecMathCopy.log(x[i]);
            default -> VecMathCopy.sigmoid(x[i]);
          };
    }
    float[] y = new float[x.length];
    VecUnary.apply(op, 0, 0, x, 0, y, 0, x.length);
    return new float[][] {expected, y};
  }

  private void unaryIsItsCopy(UnaryOp op, double lo, double hi) {
    float[] small = random(1, 33, lo, hi);
    float[] out = new float[33];
    coldAndCompiled(
        op.toString(),
        () -> VecUnary.apply(op, 0, 0, small, 0, out, 0, small.length),
        n -> unary(op, withSpecials(n, n, lo, hi)));
  }

  @Test
  void expIsItsCopy() {
    unaryIsItsCopy(UnaryOp.EXP, -20, 20);
  }

  @Test
  void logIsItsCopy() {
    unaryIsItsCopy(UnaryOp.LOG, 0, 50);
  }

  @Test
  void sigmoidIsItsCopy() {
    unaryIsItsCopy(UnaryOp.SIGMOID, -20, 20);
  }

  // ---- softmax -------------------------------------------------------------------------------

  /**
   * Rows {@code [0, rows)} of length {@code n} of {@code x}, as {@code VecSoftmax.rows}: element
   * {@code i}'s exponential is added in lane {@code i % L}, the tail's included.
   */
  private static float[] softmaxCopy(float[] x, int rows, int n, boolean log) {
    float[] y = new float[rows * n];
    for (int r = 0; r < rows; r++) {
      int b = r * n;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, x[b + i]);
      }
      float[] lanes = new float[L];
      for (int i = 0; i < n; i++) {
        float e = VecMathCopy.exp(x[b + i] - max);
        lanes[i % L] = lanes[i % L] + e;
        y[b + i] = e;
      }
      float sum = VecMathCopy.sum(lanes);
      if (log) {
        float ls = (float) Math.log(sum);
        for (int i = 0; i < n; i++) {
          y[b + i] = (x[b + i] - max) - ls;
        }
      } else {
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
          y[b + i] *= inv;
        }
      }
    }
    return y;
  }

  private void softmaxIsItsCopy(boolean log) {
    float[] small = random(2, 3 * 33, -5, 5);
    float[] out = new float[small.length];
    coldAndCompiled(
        log ? "log-softmax" : "softmax",
        () -> VecSoftmax.rows(small, 0, 33, out, 33, log, 0, 3),
        n -> {
          float[] x = random(n, 3 * n, -30, 30);
          x[0] = 80; // a row whose largest value is far from the others
          x[Math.min(2, n - 1)] = Float.NEGATIVE_INFINITY;
          float[] y = new float[x.length];
          VecSoftmax.rows(x, 0, n, y, n, log, 0, 3);
          return new float[][] {softmaxCopy(x, 3, n, log), y};
        });
  }

  @Test
  void softmaxIsItsCopy() {
    softmaxIsItsCopy(false);
  }

  @Test
  void logSoftmaxIsItsCopy() {
    softmaxIsItsCopy(true);
  }

  // ---- row sums ------------------------------------------------------------------------------

  /** The lanes of a row's vector sum, then the tail in double, as {@code VecReduce}'s rows. */
  private static float rowSumCopy(float[] x, int b, int n) {
    float[] lanes = new float[L];
    int bound = n - n % L;
    for (int i = 0; i < bound; i++) {
      lanes[i % L] = lanes[i % L] + x[b + i];
    }
    double s = VecMathCopy.sum(lanes);
    for (int i = bound; i < n; i++) {
      s += x[b + i];
    }
    return (float) s;
  }

  @Test
  void rowSumsAreTheirCopy() {
    try (Workers workers = new Workers(1)) {
      float[] small = random(3, 2 * 33, -1, 1);
      float[] out = new float[2];
      coldAndCompiled(
          "row sums",
          () -> VecReduce.sum(workers, small, 0, 33, 1, 2, 33, 1, out),
          n -> {
            // magnitudes far apart, so that the order of the additions shows in the bits
            float[] x = random(n, 3 * n, -1, 1);
            for (int i = 0; i < x.length; i += 3) {
              x[i] *= 1e6f;
            }
            float[] y = new float[3];
            VecReduce.sum(workers, x, 0, n, 1, 3, n, 1, y);
            float[] expected = new float[3];
            for (int r = 0; r < 3; r++) {
              expected[r] = rowSumCopy(x, r * n, n);
            }
            return new float[][] {expected, y};
          });
    }
  }

  // ---- narrow matmul -------------------------------------------------------------------------

  /**
   * {@code C = A·Bᵀ} (A {@code m × k}, B stored {@code n × k}) as {@code NarrowGemm}: per element,
   * {@code L} lanes of fused multiply-adds over the depth a vector at a time, the lanes summed,
   * then the last {@code k % L} products added in float.
   */
  private static float[] narrowCopy(float[] a, float[] b, int m, int n, int k) {
    float[] c = new float[m * n];
    int kv = k - k % L;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float[] lanes = new float[L];
        for (int p = 0; p < kv; p++) {
          lanes[p % L] = Math.fma(a[i * k + p], b[j * k + p], lanes[p % L]);
        }
        float t = 0f;
        for (int p = kv; p < k; p++) {
          t += a[i * k + p] * b[j * k + p];
        }
        c[i * n + j] = 1f * (VecMathCopy.sum(lanes) + t);
      }
    }
    return c;
  }

  @Test
  void narrowMatmulIsItsCopy() {
    try (Workers workers = new Workers(1)) {
      int k0 = 2 * L + 1;
      MatmulSpec warmSpec = MatmulSpec.of(1, 5, 10, k0, false, true);
      float[] wa = random(4, 5 * k0, -1, 1);
      float[] wb = random(5, 10 * k0, -1, 1);
      float[] wc = new float[50];
      coldAndCompiled(
          "narrow matmul",
          () -> NarrowGemm.matmul(workers, warmSpec, wa, wb, wc),
          len -> {
            // the depth: every length from one vector up (the kernel needs k >= L)
            int k = Math.max(L, len);
            int m = 7;
            int n = 1 + len % 16;
            float[] a = random(len, m * k, -1, 1);
            float[] b = random(len + 1, n * k, -1, 1);
            a[0] = 1e6f;
            float[] c = new float[m * n];
            NarrowGemm.matmul(workers, MatmulSpec.of(1, m, n, k, false, true), a, b, c);
            return new float[][] {narrowCopy(a, b, m, n, k), c};
          });
    }
  }

  // ---- fused layer norm ----------------------------------------------------------------------

  private static Buffer upload(Backend b, float[] v) {
    Buffer buf = b.allocate(DType.FLOAT32, v.length);
    b.upload(MemorySegment.ofArray(v), buf, 0, v.length);
    return buf;
  }

  private static float[] download(Backend b, Buffer buf) {
    float[] v = new float[(int) buf.size()];
    b.download(buf, 0, v.length, MemorySegment.ofArray(v));
    return v;
  }

  /** Forward outputs {@code {y, mean, rstd}} as {@code SimdLayerNorm.forward}. */
  private static float[][] layerNormCopy(float[] x, float[] w, float[] bias, int rows, int d) {
    double eps = 1e-5;
    float[] y = new float[rows * d];
    float[] mean = new float[rows];
    float[] rstd = new float[rows];
    int bound = d - d % L;
    for (int r = 0; r < rows; r++) {
      int b = r * d;
      float[] lanes = new float[L];
      for (int i = 0; i < bound; i++) {
        lanes[i % L] = lanes[i % L] + x[b + i];
      }
      double sum = VecMathCopy.sum(lanes);
      for (int i = bound; i < d; i++) {
        sum += x[b + i];
      }
      float mu = (float) (sum / d);
      lanes = new float[L];
      for (int i = 0; i < bound; i++) {
        float c = x[b + i] - mu;
        lanes[i % L] = Math.fma(c, c, lanes[i % L]);
      }
      double sq = VecMathCopy.sum(lanes);
      for (int i = bound; i < d; i++) {
        float c = x[b + i] - mu;
        sq += c * c;
      }
      float inv = (float) (1.0 / Math.sqrt(sq / d + eps));
      mean[r] = mu;
      rstd[r] = inv;
      for (int i = 0; i < d; i++) {
        y[b + i] = (x[b + i] - mu) * inv * w[i] + bias[i];
      }
    }
    return new float[][] {y, mean, rstd};
  }

  /** Backward outputs {@code {gx, gWeight, gBias}} as {@code SimdLayerNorm.backward}, one chunk. */
  private static float[][] layerNormBackwardCopy(
      float[] gy, float[] x, float[] w, float[] mean, float[] rstd, int rows, int d) {
    float[] gx = new float[rows * d];
    float[] pw = new float[d];
    float[] pb = new float[d];
    int bound = d - d % L;
    for (int r = 0; r < rows; r++) {
      int b = r * d;
      float mu = mean[r];
      float inv = rstd[r];
      float[] sgLanes = new float[L];
      float[] sgxLanes = new float[L];
      for (int i = 0; i < bound; i++) {
        float xh = (x[b + i] - mu) * inv;
        float g = gy[b + i] * w[i];
        sgLanes[i % L] = sgLanes[i % L] + g;
        sgxLanes[i % L] = Math.fma(g, xh, sgxLanes[i % L]);
        pw[i] = Math.fma(gy[b + i], xh, pw[i]);
        pb[i] = gy[b + i] + pb[i];
      }
      float sg = VecMathCopy.sum(sgLanes);
      float sgx = VecMathCopy.sum(sgxLanes);
      for (int i = bound; i < d; i++) {
        float xh = (x[b + i] - mu) * inv;
        float g = gy[b + i] * w[i];
        sg += g;
        sgx += g * xh;
        pw[i] += gy[b + i] * xh;
        pb[i] += gy[b + i];
      }
      float mg = sg / d;
      float mgx = sgx / d;
      for (int i = 0; i < d; i++) {
        float xh = (x[b + i] - mu) * inv;
        float g = gy[b + i] * w[i];
        gx[b + i] = ((g - mg) - xh * mgx) * inv;
      }
    }
    return new float[][] {gx, pw, pb};
  }

  /** Forward then backward of {@code rows × d}: {@code {expected..., actual...}}, six arrays. */
  private static float[][] layerNorm(Backend be, FusedLayerNorm ln, int rows, int d, long seed) {
    float[] x = random(seed, rows * d, -3, 3);
    x[0] = 1e4f; // a large value in the first row
    float[] w = random(seed + 1, d, 0.5, 1.5);
    float[] bias = random(seed + 2, d, -1, 1);
    float[] gy = random(seed + 3, rows * d, -1, 1);
    float[][] fwd = layerNormCopy(x, w, bias, rows, d);
    float[][] bwd = layerNormBackwardCopy(gy, x, w, fwd[1], fwd[2], rows, d);
    Buffer xb = upload(be, x);
    Buffer wb = upload(be, w);
    Buffer bb = upload(be, bias);
    Buffer yb = be.allocate(DType.FLOAT32, rows * d);
    Buffer mb = be.allocate(DType.FLOAT32, rows);
    Buffer rb = be.allocate(DType.FLOAT32, rows);
    ln.forward(xb, wb, bb, rows, d, 1e-5, yb, mb, rb);
    Buffer gyb = upload(be, gy);
    Buffer gxb = be.allocate(DType.FLOAT32, rows * d);
    Buffer gwb = be.allocate(DType.FLOAT32, d);
    Buffer gbb = be.allocate(DType.FLOAT32, d);
    ln.backward(gyb, xb, wb, mb, rb, rows, d, gxb, gwb, gbb);
    float[][] out = {
      concat(fwd[0], fwd[1], fwd[2], bwd[0], bwd[1], bwd[2]),
      concat(
          download(be, yb),
          download(be, mb),
          download(be, rb),
          download(be, gxb),
          download(be, gwb),
          download(be, gbb))
    };
    for (Buffer buf : new Buffer[] {xb, wb, bb, yb, mb, rb, gyb, gxb, gwb, gbb}) {
      buf.close();
    }
    return out;
  }

  private static float[] concat(float[]... parts) {
    int n = 0;
    for (float[] p : parts) {
      n += p.length;
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  @Test
  void fusedLayerNormIsItsCopy() {
    Backend be = SimdBackends.withThreads(1);
    FusedLayerNorm ln = be.capability(FusedLayerNorm.class).orElseThrow();
    Supplier<float[][]> warm = () -> layerNorm(be, ln, 2, 33, 6);
    coldAndCompiled("layer norm", warm::get, d -> layerNorm(be, ln, 3, d, d));
  }
}

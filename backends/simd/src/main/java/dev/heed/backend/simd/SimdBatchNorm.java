package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.support.HeapBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FusedBatchNorm} for FLOAT32, channels split over the threads. Forward: one pass for the
 * channel's mean, one for the variance of the centred values (two-pass, as stable as the
 * composite), one to write {@code y = (x - mean)·(rstd·weight) + bias}. Backward: one pass for
 * {@code Σ gy} and {@code Σ gy·(x - mean)}, one to write {@code gx = rstd·weight·(gy - mean(gy) -
 * x̂·mean(gy·x̂))}. Each row of {@code S} positions accumulates in float vectors, summed across
 * lanes in {@link VecMath#sum}'s fixed order and added into a double per channel, so the results do
 * not depend on the thread count.
 */
final class SimdBatchNorm implements FusedBatchNorm {
  private static final VectorSpecies<Float> V = FloatVector.SPECIES_PREFERRED;

  private final SimdBackend backend;

  SimdBatchNorm(SimdBackend backend) {
    this.backend = backend;
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32;
  }

  private static float[] floats(Buffer b) {
    return b == null ? null : ((HeapBuffer) b).floats();
  }

  /** {@code 1/√(var + eps)}, as forward and backward both compute it. */
  private static float rstd(float var, double eps) {
    return (float) (1.0 / Math.sqrt(var + eps));
  }

  @Override
  public void forward(
      Buffer x,
      Buffer weight,
      Buffer bias,
      int n,
      int c,
      int s,
      double eps,
      Buffer y,
      Buffer mean,
      Buffer var) {
    float[] xs = floats(x);
    float[] ws = floats(weight);
    float[] bs = floats(bias);
    float[] ys = floats(y);
    float[] ms = floats(mean);
    float[] vs = floats(var);
    int bound = V.loopBound(s);
    double count = (double) n * s;
    backend
        .workers()
        .parallelFor(
            c,
            ch -> {
              double sum = 0;
              for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * s;
                FloatVector acc = FloatVector.zero(V);
                int i = 0;
                for (; i < bound; i += V.length()) {
                  acc = acc.add(FloatVector.fromArray(V, xs, base + i));
                }
                double row = VecMath.sum(acc);
                for (; i < s; i++) {
                  row += xs[base + i];
                }
                sum += row;
              }
              float mu = (float) (sum / count);
              FloatVector vmu = FloatVector.broadcast(V, mu);
              double sq = 0;
              for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * s;
                FloatVector acc = FloatVector.zero(V);
                int i = 0;
                for (; i < bound; i += V.length()) {
                  FloatVector d = FloatVector.fromArray(V, xs, base + i).sub(vmu);
                  acc = d.fma(d, acc);
                }
                double row = VecMath.sum(acc);
                for (; i < s; i++) {
                  float d = xs[base + i] - mu;
                  row += d * d;
                }
                sq += row;
              }
              float variance = (float) (sq / count);
              ms[ch] = mu;
              vs[ch] = variance;
              float scale = rstd(variance, eps) * (ws == null ? 1f : ws[ch]);
              float shift = bs == null ? 0f : bs[ch];
              FloatVector vscale = FloatVector.broadcast(V, scale);
              FloatVector vshift = FloatVector.broadcast(V, shift);
              for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * s;
                int i = 0;
                for (; i < bound; i += V.length()) {
                  FloatVector.fromArray(V, xs, base + i)
                      .sub(vmu)
                      .fma(vscale, vshift)
                      .intoArray(ys, base + i);
                }
                for (; i < s; i++) {
                  ys[base + i] = Math.fma(xs[base + i] - mu, scale, shift);
                }
              }
            });
  }

  @Override
  public void backward(
      Buffer gy,
      Buffer x,
      Buffer weight,
      Buffer mean,
      Buffer var,
      int n,
      int c,
      int s,
      double eps,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias) {
    float[] gys = floats(gy);
    float[] xs = floats(x);
    float[] ws = floats(weight);
    float[] ms = floats(mean);
    float[] vs = floats(var);
    float[] gxs = floats(gx);
    float[] gws = floats(gWeight);
    float[] gbs = floats(gBias);
    int bound = V.loopBound(s);
    double count = (double) n * s;
    backend
        .workers()
        .parallelFor(
            c,
            ch -> {
              float mu = ms[ch];
              float inv = rstd(vs[ch], eps);
              FloatVector vmu = FloatVector.broadcast(V, mu);
              double sumG = 0;
              double sumGx = 0;
              for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * s;
                FloatVector accG = FloatVector.zero(V);
                FloatVector accGx = FloatVector.zero(V);
                int i = 0;
                for (; i < bound; i += V.length()) {
                  FloatVector g = FloatVector.fromArray(V, gys, base + i);
                  accG = accG.add(g);
                  accGx = g.fma(FloatVector.fromArray(V, xs, base + i).sub(vmu), accGx);
                }
                double rowG = VecMath.sum(accG);
                double rowGx = VecMath.sum(accGx);
                for (; i < s; i++) {
                  float g = gys[base + i];
                  rowG += g;
                  rowGx += g * (xs[base + i] - mu);
                }
                sumG += rowG;
                sumGx += rowGx;
              }
              double gxHat = inv * sumGx; // Σ gy·x̂
              if (gbs != null) {
                gbs[ch] = (float) sumG;
              }
              if (gws != null) {
                gws[ch] = (float) gxHat;
              }
              if (gxs == null) {
                return;
              }
              float k = inv * (ws == null ? 1f : ws[ch]);
              float a = (float) (sumG / count);
              float slope = (float) (inv * gxHat / count); // mean(gy·x̂)·rstd
              FloatVector vk = FloatVector.broadcast(V, k);
              FloatVector va = FloatVector.broadcast(V, a);
              FloatVector vslope = FloatVector.broadcast(V, slope);
              for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * s;
                int i = 0;
                for (; i < bound; i += V.length()) {
                  FloatVector d = FloatVector.fromArray(V, xs, base + i).sub(vmu);
                  FloatVector.fromArray(V, gys, base + i)
                      .sub(va)
                      .sub(d.mul(vslope))
                      .mul(vk)
                      .intoArray(gxs, base + i);
                }
                for (; i < s; i++) {
                  float d = xs[base + i] - mu;
                  gxs[base + i] = (gys[base + i] - a - d * slope) * k;
                }
              }
            });
  }
}

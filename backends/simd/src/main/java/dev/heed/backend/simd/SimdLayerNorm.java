package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.support.HeapBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FusedLayerNorm} for FLOAT32: one pass for the mean, one for the variance of the centred
 * values (two-pass, as stable as the composite), one to write {@code y}; rows split over the
 * threads. The backward pass uses {@code x̂ = (x - mean)·rstd}, {@code g = gy·weight} and {@code gx
 * = rstd·(g - mean(g) - x̂·mean(g·x̂))}, vectorised along the row (the two row means accumulate in
 * float vectors, summed across lanes at the end of the row); the lanes of the row sums are added in
 * {@link VecMath#sum}'s fixed order, so the results are the same interpreted or compiled; the
 * parameter gradients are reduced per thread into per-thread partial rows, then summed.
 */
final class SimdLayerNorm implements FusedLayerNorm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int GRAIN_ELEMENTS = 1 << 16;

  private final SimdBackend backend;

  SimdLayerNorm(SimdBackend backend) {
    this.backend = backend;
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype == DType.FLOAT32;
  }

  /** The array of a FLOAT32 buffer, or null for an absent optional operand. */
  private static float[] floats(Buffer b) {
    return b == null ? null : ((HeapBuffer) b).floats();
  }

  @Override
  public void forward(
      Buffer x,
      Buffer weight,
      Buffer bias,
      int rows,
      int d,
      double eps,
      Buffer y,
      Buffer mean,
      Buffer rstd) {
    float[] xs = floats(x);
    float[] ws = floats(weight);
    float[] bs = floats(bias);
    float[] ys = floats(y);
    float[] ms = floats(mean);
    float[] rs = floats(rstd);
    int bound = S.loopBound(d);
    backend
        .workers()
        .parallelRange(
            rows,
            Math.max(1, GRAIN_ELEMENTS / Math.max(1, d)),
            (from, to) -> {
              for (int r = (int) from; r < to; r++) {
                int base = r * d;
                FloatVector acc = FloatVector.zero(S);
                int i = 0;
                for (; i < bound; i += S.length()) {
                  acc = acc.add(FloatVector.fromArray(S, xs, base + i));
                }
                double sum = VecMath.sum(acc);
                for (; i < d; i++) {
                  sum += xs[base + i];
                }
                float mu = (float) (sum / d);
                FloatVector vmu = FloatVector.broadcast(S, mu);
                acc = FloatVector.zero(S);
                for (i = 0; i < bound; i += S.length()) {
                  FloatVector c = FloatVector.fromArray(S, xs, base + i).sub(vmu);
                  acc = c.fma(c, acc);
                }
                double sq = VecMath.sum(acc);
                for (; i < d; i++) {
                  float c = xs[base + i] - mu;
                  sq += c * c;
                }
                float inv = (float) (1.0 / Math.sqrt(sq / d + eps));
                ms[r] = mu;
                rs[r] = inv;
                FloatVector vinv = FloatVector.broadcast(S, inv);
                for (i = 0; i < bound; i += S.length()) {
                  FloatVector v = FloatVector.fromArray(S, xs, base + i).sub(vmu).mul(vinv);
                  if (ws != null) {
                    v = v.mul(FloatVector.fromArray(S, ws, i));
                  }
                  if (bs != null) {
                    v = v.add(FloatVector.fromArray(S, bs, i));
                  }
                  v.intoArray(ys, base + i);
                }
                for (; i < d; i++) {
                  float v = (xs[base + i] - mu) * inv;
                  if (ws != null) {
                    v *= ws[i];
                  }
                  if (bs != null) {
                    v += bs[i];
                  }
                  ys[base + i] = v;
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
      Buffer rstd,
      int rows,
      int d,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias) {
    long n = (long) rows * d;
    float[] gys = floats(gy);
    float[] xs = floats(x);
    float[] ws = floats(weight);
    float[] ms = floats(mean);
    float[] rs = floats(rstd);
    float[] gxs = floats(gx);
    float[] gws = floats(gWeight);
    float[] gbs = floats(gBias);
    Workers workers = backend.workers();
    int chunks = (int) Math.max(1, Math.min(workers.threads(), n / GRAIN_ELEMENTS));
    int step = (rows + chunks - 1) / chunks;
    boolean params = gws != null || gbs != null;
    float[] partial = params ? new float[chunks * 2 * d] : null;
    workers.parallelFor(
        chunks,
        c -> {
          int from = c * step;
          int to = Math.min(rows, from + step);
          int bound = S.loopBound(d);
          int pw = c * 2 * d;
          int pb = pw + d;
          for (int r = from; r < to; r++) {
            int base = r * d;
            float mu = ms[r];
            float inv = rs[r];
            FloatVector vmu = FloatVector.broadcast(S, mu);
            FloatVector vinv = FloatVector.broadcast(S, inv);
            FloatVector asg = FloatVector.zero(S);
            FloatVector asgx = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += S.length()) {
              FloatVector gyv = FloatVector.fromArray(S, gys, base + i);
              FloatVector xh = FloatVector.fromArray(S, xs, base + i).sub(vmu).mul(vinv);
              FloatVector g = ws == null ? gyv : gyv.mul(FloatVector.fromArray(S, ws, i));
              asg = asg.add(g);
              asgx = g.fma(xh, asgx);
              if (params) {
                gyv.fma(xh, FloatVector.fromArray(S, partial, pw + i)).intoArray(partial, pw + i);
                gyv.add(FloatVector.fromArray(S, partial, pb + i)).intoArray(partial, pb + i);
              }
            }
            float sg = VecMath.sum(asg);
            float sgx = VecMath.sum(asgx);
            for (; i < d; i++) {
              float xh = (xs[base + i] - mu) * inv;
              float g = ws == null ? gys[base + i] : gys[base + i] * ws[i];
              sg += g;
              sgx += g * xh;
              if (params) {
                partial[pw + i] += gys[base + i] * xh;
                partial[pb + i] += gys[base + i];
              }
            }
            float mg = sg / d;
            float mgx = sgx / d;
            FloatVector vmg = FloatVector.broadcast(S, mg);
            FloatVector vmgx = FloatVector.broadcast(S, mgx);
            for (i = 0; i < bound; i += S.length()) {
              FloatVector xh = FloatVector.fromArray(S, xs, base + i).sub(vmu).mul(vinv);
              FloatVector gyv = FloatVector.fromArray(S, gys, base + i);
              FloatVector g = ws == null ? gyv : gyv.mul(FloatVector.fromArray(S, ws, i));
              g.sub(vmg).sub(xh.mul(vmgx)).mul(vinv).intoArray(gxs, base + i);
            }
            for (; i < d; i++) {
              float xh = (xs[base + i] - mu) * inv;
              float g = ws == null ? gys[base + i] : gys[base + i] * ws[i];
              gxs[base + i] = inv * (g - mg - xh * mgx);
            }
          }
        });
    if (params) {
      for (int i = 0; i < d; i++) {
        double w = 0;
        double b = 0;
        for (int c = 0; c < chunks; c++) {
          w += partial[c * 2 * d + i];
          b += partial[c * 2 * d + d + i];
        }
        if (gws != null) {
          gws[i] = (float) w;
        }
        if (gbs != null) {
          gbs[i] = (float) b;
        }
      }
    }
  }
}

package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.core.tensor.Windows;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A step through the fused batch norm and max pooling ({@link SimdBatchNorm}, {@link
 * SimdMaxPool2d}), forward and backward, captured by a {@link ReplayBackend} over the simd backend
 * and replayed on new inputs: the outputs and gradients agree with the same step run eagerly
 * (within 1e-4 relative to {@code max(1, |eager|)}), so both capabilities' calls are recorded and
 * replayed on the plan's buffers.
 */
@SuppressWarnings("try")
class SimdPoolNormReplayTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int N = 4;
  private static final int C = 3;
  private static final int H = 6;
  private static final int W = 10;

  private static float[] values(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static Object[] inputs(long seed) {
    return new Object[] {
      values(seed, N * C * H * W), values(seed + 100, N * C * (H / 2) * (W / 2))
    };
  }

  /** One step: batch norm of the images, 2x2 max pooling, {@code Σ y·R}, backward. */
  private static Object[] step(Backend be, Tensor weight, Tensor bias, Object[] in) {
    try (Scope s = Scope.open()) {
      Tensor x = Tensors.of(be, F32, (float[]) in[0], N, C, H, W).requiresGrad(true);
      Tensor r = Tensors.of(be, F32, (float[]) in[1], N, C, H / 2, W / 2);
      Tensor[] bn = NeuralOps.batchNorm(x.reshape(N, C, H * W), weight, bias, 1e-5);
      int[] k = {2, 2};
      Tensor y = Windows.maxPool2d(bn[0].reshape(N, C, H, W), k, k, new int[2], new int[] {1, 1});
      y.mul(r).sum().backward();
      Object[] out = {
        y.toFloatArray(),
        x.grad().toFloatArray(),
        weight.grad().toFloatArray(),
        bias.grad().toFloatArray(),
        bn[2].toFloatArray()
      };
      weight.clearGrad();
      bias.clearGrad();
      return out;
    }
  }

  @Test
  void replaysTheEagerStep() {
    try (SimdBackend raw = new SimdBackend(1);
        ReplayBackend be = ReplayBackend.borrowing(raw)) {
      Tensor[] eagerParams = params(raw);
      Tensor[] replayParams = params(be);
      Object[] b0 = inputs(0);
      Plan first;
      try (Capture c = be.capture(b0)) {
        first =
            c.finish(step(be, replayParams[0], replayParams[1], b0))
                .orElseThrow(() -> new AssertionError(c.refusal()));
      }
      Object[] b1 = inputs(1);
      Plan plan;
      try (first;
          Capture c = be.recapture(first, b1)) {
        plan =
            c.finish(step(be, replayParams[0], replayParams[1], b1))
                .orElseThrow(() -> new AssertionError(c.refusal()));
      }
      try (plan) {
        for (long seed = 2; seed <= 4; seed++) {
          Object[] in = inputs(seed);
          Object[] want = step(raw, eagerParams[0], eagerParams[1], in);
          Object[] got = plan.newOutputs();
          plan.replay(in, got);
          for (int i = 0; i < want.length; i++) {
            float[] a = (float[]) want[i];
            float[] b = (float[]) got[i];
            assertEquals(a.length, b.length);
            for (int j = 0; j < a.length; j++) {
              assertTrue(
                  Math.abs(a[j] - b[j]) <= 1e-4 * Math.max(1, Math.abs(a[j])),
                  "output "
                      + i
                      + " at "
                      + j
                      + ", inputs "
                      + seed
                      + ": eager "
                      + a[j]
                      + ", replayed "
                      + b[j]);
            }
          }
        }
      } finally {
        for (Tensor t : eagerParams) {
          t.close();
        }
        for (Tensor t : replayParams) {
          t.close();
        }
      }
    }
  }

  private static Tensor[] params(Backend be) {
    return Scope.outside(() ->
        new Tensor[] {
          Tensors.uniform(be, Shape.of(C), F32, 0.5, 1.5, 7).requiresGrad(true),
          Tensors.uniform(be, Shape.of(C), F32, -1, 1, 8).requiresGrad(true)
        });
  }
}

package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code AttentionOps.layerNorm} through the simd backend's {@link FusedLayerNorm} (forward and the
 * fused backward on the tape) against the composite on the reference backend: value and the
 * gradients of the input, weight and bias, on widths below, at and above the vector length, with
 * and without affine parameters, on one and two threads.
 */
@SuppressWarnings("try")
class FusedLayerNormTest {

  private static float[] random(long seed, int n, double scale, double shift) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (shift + scale * (r.nextDouble() * 2 - 1));
    }
    return v;
  }

  /** Value, then gradients of x, weight, bias (the last two null without affine parameters). */
  private static List<float[]> run(Backend b, int rows, int d, boolean affine) {
    try (Scope s = Scope.open()) {
      Tensor x = Tensors.of(b, DType.FLOAT32, random(1, rows * d, 3, 0.5), rows, d);
      x.requiresGrad(true);
      Tensor w = affine ? Tensors.of(b, DType.FLOAT32, random(2, d, 1, 1), d) : null;
      Tensor bias = affine ? Tensors.of(b, DType.FLOAT32, random(3, d, 1, 0), d) : null;
      if (affine) {
        w.requiresGrad(true);
        bias.requiresGrad(true);
      }
      Tensor r = Tensors.of(b, DType.FLOAT32, random(4, rows * d, 1, 0), rows, d);
      Tensor y = AttentionOps.layerNorm(x, w, bias, 1e-5);
      y.mul(r).sum().backward();
      List<float[]> out = new ArrayList<>();
      out.add(y.toFloatArray());
      out.add(x.grad().toFloatArray());
      out.add(affine ? w.grad().toFloatArray() : null);
      out.add(affine ? bias.grad().toFloatArray() : null);
      x.clearGrad();
      if (affine) {
        w.clearGrad();
        bias.clearGrad();
      }
      return out;
    }
  }

  @ParameterizedTest(name = "rows={0} d={1} affine={2} threads={3}")
  @CsvSource({
    "1, 1, true, 1",
    "3, 7, true, 1",
    "5, 16, false, 1",
    "17, 33, true, 2",
    "300, 256, true, 2",
    "2, 1000, false, 2",
    "600, 256, true, 2"
  })
  void matchesTheCompositeOnTheReference(int rows, int d, boolean affine, int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    assertTrue(simd.capability(FusedLayerNorm.class).isPresent(), "simd offers FusedLayerNorm");
    List<float[]> actual = run(simd, rows, d, affine);
    List<float[]> expected = run(TestBackends.reference(), rows, d, affine);
    String[] what = {"value", "grad x", "grad weight", "grad bias"};
    for (int i = 0; i < what.length; i++) {
      if (expected.get(i) == null) {
        continue;
      }
      float[] a = actual.get(i);
      float[] e = expected.get(i);
      assertEquals(e.length, a.length, what[i]);
      double scale = i >= 2 ? Math.sqrt(rows) : 1;
      for (int j = 0; j < e.length; j++) {
        assertTrue(
            Math.abs(a[j] - e[j]) <= 1e-4 * scale * (Math.abs(e[j]) + 1),
            what[i] + " at " + j + ": expected " + e[j] + ", got " + a[j]);
      }
    }
  }
}

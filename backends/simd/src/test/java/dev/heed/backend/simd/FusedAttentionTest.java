package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
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
 * {@code AttentionOps.scaledDotProduct} through the simd backend's {@link FusedAttention} against
 * the composite on the reference backend: output, weights, and the gradients of q, k and v of a
 * loss that uses both the output and the weights (so both tape nodes of the fused path run).
 */
@SuppressWarnings("try")
class FusedAttentionTest {

  private static float[] random(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }

  private static Tensor tensor(Backend b, long seed, int... shape) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    return Tensors.of(b, DType.FLOAT32, random(seed, n), shape);
  }

  private static List<float[]> run(Backend b, int batch, int tq, int tk, int d, int dv) {
    try (Scope s = Scope.open()) {
      Tensor q = tensor(b, 1, batch, tq, d).requiresGrad(true);
      Tensor k = tensor(b, 2, batch, tk, d).requiresGrad(true);
      Tensor v = tensor(b, 3, batch, tk, dv).requiresGrad(true);
      AttentionOps.Attended a =
          AttentionOps.scaledDotProduct(q, k, v, null, 1 / Math.sqrt(d), 0, false, 0);
      Tensor loss =
          a.output()
              .mul(tensor(b, 4, batch, tq, dv))
              .sum()
              .add(a.weights().mul(tensor(b, 5, batch, tq, tk)).sum());
      loss.backward();
      List<float[]> out =
          List.of(
              a.output().toFloatArray(),
              a.weights().toFloatArray(),
              q.grad().toFloatArray(),
              k.grad().toFloatArray(),
              v.grad().toFloatArray());
      q.clearGrad();
      k.clearGrad();
      v.clearGrad();
      return new ArrayList<>(out);
    }
  }

  @ParameterizedTest(name = "batch={0} tq={1} tk={2} d={3} dv={4} threads={5}")
  @CsvSource({
    "1, 1, 1, 1, 1, 1",
    "2, 3, 5, 7, 4, 1",
    "3, 17, 33, 16, 9, 2",
    "8, 32, 32, 32, 32, 2",
    "4, 40, 70, 64, 64, 2",
    "16, 64, 64, 64, 48, 2"
  })
  void matchesTheCompositeOnTheReference(int batch, int tq, int tk, int d, int dv, int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    assertTrue(simd.capability(FusedAttention.class).isPresent(), "simd offers FusedAttention");
    List<float[]> actual = run(simd, batch, tq, tk, d, dv);
    List<float[]> expected = run(TestBackends.reference(), batch, tq, tk, d, dv);
    String[] what = {"output", "weights", "grad q", "grad k", "grad v"};
    for (int i = 0; i < what.length; i++) {
      float[] a = actual.get(i);
      float[] e = expected.get(i);
      assertEquals(e.length, a.length, what[i]);
      for (int j = 0; j < e.length; j++) {
        assertTrue(
            Math.abs(a[j] - e[j]) <= 1e-4 * (Math.abs(e[j]) + 1),
            what[i] + " at " + j + ": expected " + e[j] + ", got " + a[j]);
      }
    }
  }
}

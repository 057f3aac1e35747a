package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedSelfAttention;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code AttentionOps.selfAttention} through the simd backend's {@link FusedSelfAttention} against
 * the composite (head split by copies, scaled dot-product attention, head merge) on the reference
 * backend: the merged output, the weights, and the gradient of the packed projection for a loss
 * that uses both the output and the weights (so both tape nodes of the fused path run).
 */
@SuppressWarnings("try")
class FusedSelfAttentionTest {

  private static Tensor tensor(Backend b, long seed, int... shape) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return Tensors.of(b, DType.FLOAT32, v, shape);
  }

  private static List<float[]> run(Backend b, int batch, int t, int heads, int d) {
    try (Scope s = Scope.open()) {
      Tensor qkv = tensor(b, 1, batch, t, 3 * heads * d).requiresGrad(true);
      AttentionOps.Attended a =
          AttentionOps.selfAttention(qkv, heads, 1 / Math.sqrt(d), 0, true, 0);
      assertEquals(Shape.of(batch, t, heads * d), a.output().shape(), "output shape");
      assertEquals(Shape.of(batch, heads, t, t), a.weights().shape(), "weights shape");
      Tensor loss =
          a.output()
              .mul(tensor(b, 4, batch, t, heads * d))
              .sum()
              .add(a.weights().mul(tensor(b, 5, batch, heads, t, t)).sum());
      loss.backward();
      List<float[]> out =
          List.of(a.output().toFloatArray(), a.weights().toFloatArray(), qkv.grad().toFloatArray());
      qkv.clearGrad();
      return out;
    }
  }

  @ParameterizedTest(name = "batch={0} t={1} heads={2} d={3} threads={4}")
  @CsvSource({
    "1, 1, 1, 1, 1",
    "2, 5, 3, 4, 1",
    "3, 17, 2, 8, 2",
    "2, 33, 4, 16, 2",
    "4, 64, 4, 32, 2"
  })
  void matchesTheCompositeOnTheReference(int batch, int t, int heads, int d, int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    assertTrue(simd.capability(FusedSelfAttention.class).isPresent(), "simd offers it");
    List<float[]> actual = run(simd, batch, t, heads, d);
    List<float[]> expected = run(TestBackends.reference(), batch, t, heads, d);
    String[] what = {"output", "weights", "grad qkv"};
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

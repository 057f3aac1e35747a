package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused batch norm ({@link SimdBatchNorm}, which core's {@link NeuralOps#batchNorm} takes on
 * this backend) against core's composite on the reference backend: the output, the batch mean and
 * variance, and the gradients of {@code Σ y·R} with respect to the input, weight and bias, within
 * 1e-4 relative to {@code max(1, |expected|)}; positions that do and do not fill whole vectors,
 * with and without the affine parameters, 1 and 2 threads.
 */
@SuppressWarnings("try")
class SimdBatchNormTest {

  @ParameterizedTest
  @CsvSource({
    // n, c, s, affine, threads
    "4, 3, 36, true, 1",
    "3, 5, 17, true, 2",
    "8, 2, 5, false, 1",
    "2, 4, 64, false, 2",
    "1, 3, 49, true, 1"
  })
  void agreesWithTheComposite(int n, int c, int s, boolean affine, int threads) {
    try (SimdBackend be = new SimdBackend(threads);
        Backend ref = TestBackends.reference();
        Scope sc = Scope.open()) {
      assertTrue(be.capability(FusedBatchNorm.class).isPresent());
      assertTrue(ref.capability(FusedBatchNorm.class).isEmpty());
      double[][] fused = run(be, n, c, s, affine);
      double[][] composite = run(ref, n, c, s, affine);
      String[] what = {"output", "mean", "variance", "input gradient", "weight", "bias"};
      for (int i = 0; i < fused.length; i++) {
        assertEquals(composite[i].length, fused[i].length, what[i]);
        for (int j = 0; j < fused[i].length; j++) {
          double e = composite[i][j];
          assertTrue(
              Math.abs(fused[i][j] - e) <= 1e-4 * Math.max(1, Math.abs(e)),
              what[i] + " at " + j + ": " + fused[i][j] + " vs " + e);
        }
      }
    }
  }

  private static double[][] run(Backend be, int n, int c, int s, boolean affine) {
    // an offset and a spread per channel, so that the statistics matter
    Tensor x =
        Tensors.uniform(be, Shape.of(n, c, s), DType.FLOAT32, -2, 3, 1)
            .mul(Tensors.uniform(be, Shape.of(1, c, 1), DType.FLOAT32, 0.5, 4, 2))
            .add(Tensors.uniform(be, Shape.of(1, c, 1), DType.FLOAT32, -3, 3, 3))
            .detach()
            .requiresGrad(true);
    Tensor w =
        affine
            ? Tensors.uniform(be, Shape.of(c), DType.FLOAT32, 0.5, 1.5, 4).requiresGrad(true)
            : null;
    Tensor b =
        affine
            ? Tensors.uniform(be, Shape.of(c), DType.FLOAT32, -1, 1, 5).requiresGrad(true)
            : null;
    Tensor[] out = NeuralOps.batchNorm(x, w, b, 1e-5);
    Tensor r = Tensors.uniform(be, out[0].shape(), DType.FLOAT32, -1, 1, 6);
    out[0].mul(r).sum().backward();
    return new double[][] {
      out[0].toDoubleArray(),
      out[1].toDoubleArray(),
      out[2].toDoubleArray(),
      x.grad().toDoubleArray(),
      affine ? w.grad().toDoubleArray() : new double[0],
      affine ? b.grad().toDoubleArray() : new double[0]
    };
  }
}

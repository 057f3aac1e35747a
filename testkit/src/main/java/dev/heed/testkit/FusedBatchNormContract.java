package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The contract of {@link FusedBatchNorm}: {@code NeuralOps.batchNorm} on the backend under test,
 * which takes the fused kernel, agrees in FLOAT32 with the composite on the reference backend in
 * FLOAT64 from the same values: the output, the batch mean and biased variance, and the gradients
 * of {@code Σ y·R} with respect to the input, weight and bias, within {@link #tolerance()} relative
 * to {@code max(1, |expected|)}; positions that do and do not fill whole vectors, with and without
 * the affine parameters. The backward is also called directly into buffers holding other values,
 * which it must overwrite. A backend that does not offer the capability for FLOAT32 skips.
 *
 * <pre>{@code
 * class SimdBatchNormTest extends FusedBatchNormContract {
 *   protected Backend backend() { return TestBackends.open("simd"); }
 * }
 * }</pre>
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each run's tensors
public abstract class FusedBatchNormContract {
  private static final double EPS = 1e-5;

  /** For subclasses. */
  protected FusedBatchNormContract() {}

  /** The backend under test. */
  protected abstract Backend backend();

  /** The relative tolerance of FLOAT32 results against the FLOAT64 composite. Default 1e-4. */
  protected double tolerance() {
    return 1e-4;
  }

  @ParameterizedTest
  @CsvSource({
    // n, c, s, affine
    "4, 3, 36, true",
    "3, 5, 17, true",
    "8, 2, 5, false",
    "2, 4, 64, false",
    "1, 3, 49, true"
  })
  public void fusedAgreesWithTheComposite(int n, int c, int s, boolean affine) {
    Backend be = backend();
    assertNotNull(be, "backend() returned null");
    Optional<FusedBatchNorm> fused = be.capability(FusedBatchNorm.class);
    assumeTrue(
        fused.isPresent() && fused.get().supports(DType.FLOAT32),
        be.name() + " offers no FusedBatchNorm for FLOAT32");
    Backend ref = TestBackends.reference();
    try (Scope sc = Scope.open()) {
      // an offset and a spread per channel, so that the statistics matter
      Tensor x =
          Tensors.uniform(ref, Shape.of(n, c, s), DType.FLOAT64, -2, 3, 1)
              .mul(Tensors.uniform(ref, Shape.of(1, c, 1), DType.FLOAT64, 0.5, 4, 2))
              .add(Tensors.uniform(ref, Shape.of(1, c, 1), DType.FLOAT64, -3, 3, 3))
              .to(DType.FLOAT32)
              .detach();
      Tensor w = Tensors.uniform(ref, Shape.of(c), DType.FLOAT32, 0.5, 1.5, 4);
      Tensor b = Tensors.uniform(ref, Shape.of(c), DType.FLOAT32, -1, 1, 5);
      Tensor r = Tensors.uniform(ref, Shape.of(n, c, s), DType.FLOAT32, -1, 1, 6);
      Tensor[] inputs = {x, w, b, r};
      double[][] expected = run(ref, DType.FLOAT64, inputs, affine);
      double[][] actual = run(be, DType.FLOAT32, inputs, affine);
      String[] what = {"output", "mean", "variance", "input gradient", "weight", "bias"};
      for (int i = 0; i < what.length; i++) {
        assertClose(what[i], expected[i], actual[i]);
      }
      // the backward overwrites its outputs: buffers holding other values give the same gradients
      Tensor xb = Tensors.copyTo(x, be);
      Tensor wb = Tensors.copyTo(w, be);
      Tensor gy = Tensors.copyTo(r, be);
      Tensor mean = Tensors.of(be, DType.FLOAT32, expected[1], c);
      Tensor var = Tensors.of(be, DType.FLOAT32, expected[2], c);
      Tensor gx = Tensors.full(be, x.shape(), DType.FLOAT32, 7);
      Tensor gw = Tensors.full(be, Shape.of(c), DType.FLOAT32, 7);
      Tensor gb = Tensors.full(be, Shape.of(c), DType.FLOAT32, 7);
      try (GradMode off = GradMode.disable()) {
        fused
            .get()
            .backward(
                gy.buffer(),
                xb.buffer(),
                affine ? wb.buffer() : null,
                mean.buffer(),
                var.buffer(),
                n,
                c,
                s,
                EPS,
                gx.buffer(),
                affine ? gw.buffer() : null,
                affine ? gb.buffer() : null);
      }
      assertClose("input gradient (direct call)", expected[3], gx.toDoubleArray());
      if (affine) {
        assertClose("weight gradient (direct call)", expected[4], gw.toDoubleArray());
        assertClose("bias gradient (direct call)", expected[5], gb.toDoubleArray());
      }
    }
  }

  private static double[][] run(Backend be, DType dtype, Tensor[] inputs, boolean affine) {
    Tensor x = Tensors.copyTo(inputs[0], be).to(dtype).detach().requiresGrad(true);
    Tensor w = affine ? Tensors.copyTo(inputs[1], be).to(dtype).detach().requiresGrad(true) : null;
    Tensor b = affine ? Tensors.copyTo(inputs[2], be).to(dtype).detach().requiresGrad(true) : null;
    Tensor[] out = NeuralOps.batchNorm(x, w, b, EPS);
    out[0].mul(Tensors.copyTo(inputs[3], be).to(dtype)).sum().backward();
    return new double[][] {
      out[0].toDoubleArray(),
      out[1].toDoubleArray(),
      out[2].toDoubleArray(),
      x.grad().toDoubleArray(),
      affine ? w.grad().toDoubleArray() : new double[0],
      affine ? b.grad().toDoubleArray() : new double[0]
    };
  }

  private void assertClose(String what, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertTrue(
          Math.abs(actual[i] - expected[i]) <= tolerance() * Math.max(1, Math.abs(expected[i])),
          what + " at " + i + ": " + actual[i] + ", expected " + expected[i]);
    }
  }
}

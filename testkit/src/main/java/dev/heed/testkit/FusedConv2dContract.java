package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.ConvProblem;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedConv2d;
import dev.heed.core.tensor.Convolution;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link FusedConv2d}: {@code Convolution.conv2d} on the backend under test, which
 * takes the fused kernel, agrees with the composite (im2col through views and one product) on the
 * reference backend in FLOAT64 from the same values, in the output and the gradients of the input,
 * the weight and the bias of {@code Σ y·R}; over padding, strides, dilations, groups (depthwise and
 * 16-channel included), rectangular kernels and a batch of one. The backward is also called
 * directly into buffers holding other values, which it must overwrite, not add to. A backend that
 * does not offer the capability, or not for FLOAT32, skips.
 *
 * <pre>{@code
 * class SimdFusedConv2dTest extends FusedConv2dContract {
 *   protected Backend backend() { return TestBackends.open("simd"); }
 * }
 * }</pre>
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each run's tensors
public abstract class FusedConv2dContract {

  /** For subclasses. */
  protected FusedConv2dContract() {}

  /** The backend under test. */
  protected abstract Backend backend();

  /**
   * The relative tolerance of FLOAT32 results against the FLOAT64 composite: {@code |actual -
   * expected| <= tol·(1 + |expected|)}. Default {@code 1e-4}.
   */
  protected double tolerance() {
    return 1e-4;
  }

  /** n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups. */
  static Stream<Arguments> problems() {
    return Stream.of(
        Arguments.of(2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        Arguments.of(3, 4, 9, 8, 6, 3, 2, 2, 1, 1, 2, 2, 1, 2),
        Arguments.of(2, 4, 6, 5, 8, 3, 3, 2, 2, 1, 1, 1, 1, 4),
        Arguments.of(1, 2, 5, 9, 3, 1, 4, 1, 3, 0, 2, 1, 2, 1),
        Arguments.of(1, 1, 1, 1, 2, 1, 1, 1, 1, 0, 0, 1, 1, 1),
        Arguments.of(2, 6, 4, 4, 6, 3, 3, 1, 1, 2, 2, 2, 2, 6),
        // same-width convolutions of 16-channel groups, whose columns a backend may pack straight
        // from the image (its gradients as convolutions of their own)
        Arguments.of(2, 16, 5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1),
        Arguments.of(1, 32, 6, 5, 6, 5, 3, 1, 1, 1, 1, 1, 1, 2));
  }

  private static Tensor values(Backend b, int seed, int... shape) {
    return Tensors.uniform(b, Shape.of(shape), DType.FLOAT64, -1, 1, seed);
  }

  /** Output and the three gradients of {@code Σ y·R} on {@code be} in {@code dtype}. */
  private static double[][] run(
      Backend be, DType dtype, Tensor[] inputs, ConvProblem p, boolean composite) {
    Tensor x = Tensors.copyTo(inputs[0], be).to(dtype).requiresGrad(true);
    Tensor w = Tensors.copyTo(inputs[1], be).to(dtype).requiresGrad(true);
    Tensor bias = Tensors.copyTo(inputs[2], be).to(dtype).requiresGrad(true);
    Tensor r = Tensors.copyTo(inputs[3], be).to(dtype);
    int[] stride = {p.strideH(), p.strideW()};
    int[] pad = {p.padH(), p.padW()};
    int[] dil = {p.dilationH(), p.dilationW()};
    Tensor y =
        composite
            ? Convolution.conv2dComposite(x, w, bias, stride, pad, dil, p.groups())
            : Convolution.conv2d(x, w, bias, stride, pad, dil, p.groups());
    y.mul(r).sum().backward();
    return new double[][] {
      y.toDoubleArray(),
      x.grad().toDoubleArray(),
      w.grad().toDoubleArray(),
      bias.grad().toDoubleArray()
    };
  }

  private void assertClose(String what, ConvProblem p, double[] expected, double[] actual) {
    assertTrue(expected.length == actual.length, what + ": " + actual.length + " values");
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(actual[i] - expected[i]);
      assertTrue(
          err <= tolerance() * (1 + Math.abs(expected[i])),
          what + " of " + p + " at " + i + ": " + actual[i] + ", expected " + expected[i]);
    }
  }

  @ParameterizedTest
  @MethodSource("problems")
  public void fusedAgreesWithTheComposite(
      int n,
      int c,
      int h,
      int w,
      int o,
      int kh,
      int kw,
      int sh,
      int sw,
      int ph,
      int pw,
      int dh,
      int dw,
      int groups) {
    Backend be = backend();
    assertNotNull(be, "backend() returned null");
    Optional<FusedConv2d> fused = be.capability(FusedConv2d.class);
    ConvProblem p = new ConvProblem(n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups);
    assumeTrue(
        fused.isPresent() && fused.get().supports(DType.FLOAT32, p),
        be.name() + " offers no FusedConv2d for FLOAT32 and " + p);
    Backend ref = TestBackends.reference();
    try (Scope s = Scope.open()) {
      Tensor[] inputs = {
        values(ref, 1, n, c, h, w),
        values(ref, 2, o, c / groups, kh, kw),
        values(ref, 3, o),
        values(ref, 4, n, o, p.outHeight(), p.outWidth())
      };
      double[][] expected = run(ref, DType.FLOAT64, inputs, p, true);
      double[][] actual = run(be, DType.FLOAT32, inputs, p, false);
      String[] what = {"output", "input gradient", "weight gradient", "bias gradient"};
      for (int i = 0; i < what.length; i++) {
        assertClose(what[i], p, expected[i], actual[i]);
      }
      // the backward overwrites its outputs: buffers holding other values give the same gradients
      Tensor x = Tensors.copyTo(inputs[0], be).to(DType.FLOAT32);
      Tensor wt = Tensors.copyTo(inputs[1], be).to(DType.FLOAT32);
      Tensor gy = Tensors.copyTo(inputs[3], be).to(DType.FLOAT32);
      Tensor gx = Tensors.full(be, x.shape(), DType.FLOAT32, 7);
      Tensor gw = Tensors.full(be, wt.shape(), DType.FLOAT32, 7);
      Tensor gb = Tensors.full(be, Shape.of(o), DType.FLOAT32, 7);
      try (GradMode off = GradMode.disable()) {
        fused
            .get()
            .backward(
                p, gy.buffer(), x.buffer(), wt.buffer(), gx.buffer(), gw.buffer(), gb.buffer());
      }
      assertClose("input gradient (direct call)", p, expected[1], gx.toDoubleArray());
      assertClose("weight gradient (direct call)", p, expected[2], gw.toDoubleArray());
      assertClose("bias gradient (direct call)", p, expected[3], gb.toDoubleArray());
    }
  }
}

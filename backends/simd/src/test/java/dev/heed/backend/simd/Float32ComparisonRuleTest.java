package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The FLOAT32 comparison rule of {@link UnaryOp#STEP} (and of CLAMP's bounds) at every position:
 * the parameter is rounded to float and compared with the float element, as PyTorch compares in the
 * tensor's dtype. 0.1 and -0.7 round up to float, so {@code 0.1f > 0.1} is false under the rule
 * (and true in float64); the vector lanes, the scalar tail, the fused programs and the reference
 * backend must all answer 0 there.
 */
@SuppressWarnings("try") // the scope frees each test's tensors
class Float32ComparisonRuleTest {
  /** Thresholds whose nearest float lies above them. */
  private static final double[] ROUNDED_UP = {0.1, -0.7, 1e-3};

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static Backend simd() {
    return TestBackends.open("simd");
  }

  @Test
  void vectorKernelAnswersTheSameInLanesAndTail() {
    for (double t : ROUNDED_UP) {
      float at = (float) t;
      for (int n = 1; n <= 70; n++) {
        float[] y = new float[n];
        VecUnary.apply(UnaryOp.STEP, t, 0, filled(n, at), y, 0, n);
        assertArrayEquals(new float[n], y, "STEP(" + at + "f > " + t + ") of " + n + " elements");
        VecUnary.apply(UnaryOp.STEP, t, 0, filled(n, Math.nextUp(at)), y, 0, n);
        assertArrayEquals(filled(n, 1f), y, "STEP just above " + t + ", " + n + " elements");
        VecUnary.apply(UnaryOp.CLAMP, -10, t, filled(n, Math.nextUp(at)), y, 0, n);
        assertArrayEquals(filled(n, at), y, "CLAMP to " + t + ", " + n + " elements");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {20, 37})
  void stepOfPointOneIsZeroAtEveryPositionOnSimdAndCpu(int n) {
    try (Scope scope = Scope.open()) {
      for (Backend b : List.of(simd(), TestBackends.reference())) {
        Tensor x = Tensors.of(b, DType.FLOAT32, filled(n, 0.1f), n);
        assertArrayEquals(
            new float[n], Elementwise.step(x, 0.1).toFloatArray(), b.name() + ", " + n);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {20, 37, 1100})
  void fusedStepFollowsTheRule(int n) {
    ElementwiseProgram.Builder p = ElementwiseProgram.builder(1);
    p.output(p.unary(UnaryOp.STEP, 0.1, 0, 0));
    ElementwiseProgram program = p.build();
    assertEquals(0.0, program.evaluate(new double[] {0.1f}, true)[0], "evaluate in float32");
    assertEquals(1.0, program.evaluate(new double[] {0.1f}, false)[0], "evaluate in float64");
    try (Scope scope = Scope.open()) {
      for (Backend b : List.of(simd(), TestBackends.reference())) {
        Tensor x = Tensors.of(b, DType.FLOAT32, filled(n, 0.1f), n);
        assertArrayEquals(
            new float[n], Elementwise.fused(program, x)[0].toFloatArray(), b.name() + ", " + n);
      }
    }
  }

  /**
   * PyTorch's {@code clamp_backward} passes the gradient where {@code min <= x <= max} in the
   * tensor's dtype, so at {@code x = 0.1f} with {@code max = 0.1} the derivative is 1.
   */
  @ParameterizedTest
  @ValueSource(ints = {20, 37})
  void clampDerivativeAtAnUpperBoundThatRoundsUp(int n) {
    try (Scope scope = Scope.open()) {
      for (Backend b : List.of(simd(), TestBackends.reference())) {
        Tensor x = Tensors.of(b, DType.FLOAT32, filled(n, 0.1f), n).requiresGrad(true);
        Tensor y = Elementwise.clamp(x, -1, 0.1);
        y.backward(Tensors.ones(b, y.shape(), DType.FLOAT32));
        assertArrayEquals(filled(n, 0.1f), y.toFloatArray(), b.name() + " value, " + n);
        assertArrayEquals(filled(n, 1f), x.grad().toFloatArray(), b.name() + " derivative, " + n);
      }
    }
  }
}

package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.GradientClipping;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link GradientClipping} against the definitions of {@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}, computed by hand: gradients {@code ga} (2×2) and {@code gb} (3) set
 * through the linear loss {@code Σ ga·a + Σ gb·b}; a third parameter gets no gradient.
 */
@SuppressWarnings("try")
class GradientClippingTest {
  private static final double[] GA = {3, -4, 0.5, 1};
  private static final double[] GB = {-2, 6, 0.25};

  private record Setup(Parameter a, Parameter b, Parameter unused) {
    List<Parameter> all() {
      return List.of(a, b, unused);
    }
  }

  private static Parameter param(int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] zeros = new double[n];
    return new Parameter(
        Scope.outside(() -> Tensors.of(TestBackends.reference(), DType.FLOAT64, zeros, shape)));
  }

  private static Setup setup() {
    Setup s = new Setup(param(2, 2), param(3), param(2));
    try (Scope scope = Scope.open()) {
      Tensor ga = Tensors.of(TestBackends.reference(), DType.FLOAT64, GA, 2, 2);
      Tensor gb = Tensors.of(TestBackends.reference(), DType.FLOAT64, GB, 3);
      Reductions.sum(ga.mul(s.a().value())).add(Reductions.sum(gb.mul(s.b().value()))).backward();
    }
    return s;
  }

  private static double[] scaled(double[] g, double c) {
    double[] out = g.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= c;
    }
    return out;
  }

  private static double pnorm(double p) {
    double s = 0;
    for (double[] g : new double[][] {GA, GB}) {
      for (double v : g) {
        s += Math.pow(Math.abs(v), p);
      }
    }
    return Math.pow(s, 1 / p);
  }

  private static void checkNorm(double maxNorm, double normType, double expectedTotal) {
    Setup s = setup();
    try (Scope scope = Scope.open()) {
      Tensor total = GradientClipping.clipByNorm(s.all(), maxNorm, normType);
      assertEquals(0, total.rank());
      assertEquals(expectedTotal, total.item(), 1e-12 * expectedTotal);
    }
    double c = Math.min(1.0, maxNorm / (expectedTotal + 1e-6));
    assertArrayEquals(scaled(GA, c), s.a().grad().toDoubleArray(), 1e-12);
    assertArrayEquals(scaled(GB, c), s.b().grad().toDoubleArray(), 1e-12);
    assertNull(s.unused().grad());
  }

  @Test
  void euclideanNormScalesAllGradientsTogether() {
    double total = Math.sqrt(9 + 16 + 0.25 + 1 + 4 + 36 + 0.0625);
    checkNorm(1.0, 2.0, total);
  }

  @Test
  void otherNorms() {
    checkNorm(2.5, Double.POSITIVE_INFINITY, 6.0);
    checkNorm(3.0, 1.0, pnorm(1));
    checkNorm(3.0, 3.0, pnorm(3));
  }

  @Test
  void smallGradientsAreLeftAlone() {
    checkNorm(100.0, 2.0, pnorm(2));
  }

  @Test
  void clipByValueClampsEachElement() {
    Setup s = setup();
    GradientClipping.clipByValue(s.all(), 2.0);
    assertArrayEquals(new double[] {2, -2, 0.5, 1}, s.a().grad().toDoubleArray(), 0.0);
    assertArrayEquals(new double[] {-2, 2, 0.25}, s.b().grad().toDoubleArray(), 0.0);
    assertNull(s.unused().grad());
  }

  @Test
  void noGradientsGiveNoNormAndBadArgumentsAreRefused() {
    assertNull(GradientClipping.clipByNorm(List.of(param(2)), 1.0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GradientClipping.clipByNorm(List.of(), 0.0));
    assertTrue(e.getMessage().contains("max_norm"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GradientClipping.clipByNorm(List.of(), 1.0, -2.0));
    assertTrue(e.getMessage().contains("norm_type"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> GradientClipping.clipByValue(List.of(), -1));
    assertTrue(e.getMessage().contains("clip_value"), e.getMessage());
  }
}

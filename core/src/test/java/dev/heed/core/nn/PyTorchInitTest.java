package dev.heed.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.internal.initializers.HeInitializerProvider;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link PyTorchInit#linear()}: PyTorch's {@code nn.Linear} default, for weight and bias. */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
class PyTorchInitTest {
  private static final Backend BACKEND =
      new HeapBackend() {
        @Override
        public String name() {
          return "reference";
        }

        @Override
        public String deviceDescription() {
          return "core's reference kernels";
        }
      };

  private static double[] draw(Initializer init, int rows, Fan fan, long seed) {
    Tensor t = Tensors.zeros(BACKEND, Shape.of(rows, fan.fanIn()), DType.FLOAT64);
    init.initialize(t, fan, seed);
    return t.toDoubleArray();
  }

  @Test
  void isKaimingUniformWithASlopeOfRootFive() {
    // torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5)), as nn.Linear.reset_parameters writes it,
    // through the He initializer's own gain formula.
    Initializer kaiming =
        new HeInitializerProvider()
            .create(
                new HeInitializerProvider()
                    .options()
                    .resolve(
                        "initializer 'he'",
                        Map.of(
                            "distribution",
                            "uniform",
                            "mode",
                            "fan_in",
                            "nonlinearity",
                            "leaky_relu",
                            "a",
                            Math.sqrt(5))));
    try (Scope scope = Scope.open()) {
      Fan fan = Fan.dense(7, 5);
      double[] expected = draw(kaiming, 5, fan, 42);
      double[] actual = draw(PyTorchInit.linear(), 5, fan, 42);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-15 * (1 + Math.abs(expected[i])), "element " + i);
      }
    }
  }

  @Test
  void fillsTheWholeRangeOfPlusMinusOneOverRootFanIn() {
    try (Scope scope = Scope.open()) {
      Fan fan = Fan.dense(16, 250);
      double[] w = draw(PyTorchInit.linear(), 250, fan, 3);
      double bound = 0.25;
      assertEquals(bound, PyTorchInit.linearBound(16));
      double min = Double.MAX_VALUE;
      double max = -Double.MAX_VALUE;
      double sum = 0;
      double squares = 0;
      for (double v : w) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
        squares += v * v;
      }
      assertTrue(min >= -bound && max <= bound, "outside ±" + bound + ": " + min + ", " + max);
      assertTrue(min < -0.99 * bound && max > 0.99 * bound, "range " + min + " to " + max);
      // U(-b, b): mean 0, variance b²/3; 4000 draws put both well inside these margins.
      assertEquals(0, sum / w.length, 0.02);
      assertEquals(bound * bound / 3, squares / w.length, 0.002);
    }
  }

  @Test
  void isWhatDenseStartsWithForWeightAndBias() {
    try (Scope scope = Scope.open()) {
      Dense byDefault = new Dense(6, 4, null, BuildContext.of(BACKEND, DType.FLOAT64, 9));
      Dense explicit =
          new Dense(
              6,
              4,
              null,
              true,
              PyTorchInit.linear(),
              PyTorchInit.linear(),
              BuildContext.of(BACKEND, DType.FLOAT64, 9));
      assertArrayEquals(
          explicit.weight().value().toDoubleArray(), byDefault.weight().value().toDoubleArray());
      assertArrayEquals(
          explicit.bias().value().toDoubleArray(), byDefault.bias().value().toDoubleArray());
      for (double b : byDefault.bias().value().toDoubleArray()) {
        assertTrue(Math.abs(b) <= 1 / Math.sqrt(6), "bias " + b + " outside ±1/√6");
      }
    }
  }

  @Test
  void refusesAFanInThatIsNotPositive() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PyTorchInit.linearBound(0));
    assertTrue(e.getMessage().contains("fan-in must be positive, got 0"), e.getMessage());
  }
}

package dev.heed.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Seeds;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the fixtures and the contract do not cover: float32 values at ±1e4, RReLU's random slopes,
 * PReLU's parameter, and the messages for bad options and inputs.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
class ActivationBehaviourTest {
  private static final Backend CPU = TestBackends.reference();
  private static final double[] LARGE = {-1e4, -100, 0, 100, 1e4};

  private static Activation create(String name, Map<String, ?> options, DType dtype) {
    ActivationProvider p = Plugins.shared().activations().get(name);
    return p.create(
        p.options().resolve("activation '" + name + "'", options), BuildContext.of(CPU, dtype, 7));
  }

  private static double[] forward(String name, double[] x, DType dtype) {
    return create(name, Map.of(), dtype)
        .forward(Tensors.of(CPU, dtype, x, x.length), ForwardContext.inference())
        .toDoubleArray();
  }

  @Test
  void stableFormsKeepTheirValuesAtLargeFloat32Inputs() {
    try (Scope scope = Scope.open()) {
      assertArrayEquals(
          new double[] {0, 0, Math.log(2), 100, 1e4},
          forward("softplus", LARGE, DType.FLOAT32),
          1e-6);
      assertArrayEquals(
          new double[] {0, 0, 0.5, 1, 1}, forward("sigmoid", LARGE, DType.FLOAT32), 1e-7);
      assertArrayEquals(
          new double[] {-1e4, -100, -Math.log(2), 0, 0},
          forward("log-sigmoid", LARGE, DType.FLOAT32),
          1e-6);
      double[] logSoftmax = forward("log-softmax", LARGE, DType.FLOAT32);
      assertArrayEquals(new double[] {-2e4, -10100, -1e4, -9900, 0}, logSoftmax, 1e-3);
      assertArrayEquals(
          new double[] {0, 0, 0, 100, 1e4}, forward("mish", LARGE, DType.FLOAT32), 1e-3);
    }
  }

  @Test
  void rreluDrawsSlopesInTrainingAndUsesTheMeanInEvaluation() {
    try (Scope scope = Scope.open()) {
      Activation act = create("rrelu", Map.of("lower", 0.1, "upper", 0.3), DType.FLOAT64);
      double[] ones = new double[1000];
      java.util.Arrays.fill(ones, -1);
      Tensor x = Tensors.of(CPU, DType.FLOAT64, ones, ones.length).requiresGrad(true);
      Tensor y = act.forward(x, ForwardContext.training(new Seeds(3)));
      double[] slopes = y.toDoubleArray();
      double min = 1;
      double max = 0;
      for (double s : slopes) {
        min = Math.min(min, -s);
        max = Math.max(max, -s);
      }
      assertTrue(min >= 0.1 && max < 0.3, "slopes in [0.1, 0.3): " + min + " .. " + max);
      assertTrue(max - min > 0.15, "slopes spread over the range: " + min + " .. " + max);
      // the gradient is the drawn slope; the same seed gives the same slopes, another seed others
      y.backward(Tensors.ones(CPU, y.shape(), DType.FLOAT64));
      double[] grad = x.grad().toDoubleArray();
      for (int i = 0; i < grad.length; i++) {
        assertEquals(-slopes[i], grad[i], 0, "gradient " + i);
      }
      assertArrayEquals(
          slopes,
          act.forward(x, ForwardContext.training(new Seeds(3))).toDoubleArray(),
          0,
          "same seed, same slopes");
      assertNotEquals(
          slopes[0], act.forward(x, ForwardContext.training(new Seeds(4))).toDoubleArray()[0]);
      double[] eval = act.forward(x, ForwardContext.inference()).toDoubleArray();
      assertEquals(-0.2, eval[0], 1e-15);
    }
  }

  @Test
  void preluOwnsALearnableWeightNamedAsPyTorch() {
    try (Scope scope = Scope.open()) {
      Activation act = create("prelu", Map.of("num_parameters", 3, "init", 0.5), DType.FLOAT32);
      assertEquals(List.of("weight"), List.copyOf(act.namedParameters().keySet()));
      assertArrayEquals(
          new float[] {0.5f, 0.5f, 0.5f},
          act.namedParameters().get("weight").value().toFloatArray());
      Tensor wrong = Tensors.zeros(CPU, dev.heed.core.tensor.Shape.of(2, 4), DType.FLOAT32);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> act.forward(wrong, ForwardContext.inference()));
      assertTrue(
          e.getMessage().contains("axis 1") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }
  }

  @Test
  void axisActivationsExplainBadInputs() {
    try (Scope scope = Scope.open()) {
      Tensor odd = Tensors.zeros(CPU, dev.heed.core.tensor.Shape.of(2, 3), DType.FLOAT32);
      IllegalArgumentException glu =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  create("glu", Map.of(), DType.FLOAT32).forward(odd, ForwardContext.inference()));
      assertTrue(glu.getMessage().contains("odd extent 3"), glu.getMessage());
      IllegalArgumentException dim =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  create("softmax", Map.of("dim", 2), DType.FLOAT32)
                      .forward(odd, ForwardContext.inference()));
      assertTrue(dim.getMessage().contains("dim 2"), dim.getMessage());
    }
  }

  @Test
  void badOptionsAreRejectedWithTheOptionNamed() {
    OptionsException hardtanh =
        assertThrows(
            OptionsException.class,
            () -> create("hardtanh", Map.of("min_val", 1, "max_val", 1), DType.FLOAT32));
    assertEquals("max_val", hardtanh.option());
    OptionsException threshold =
        assertThrows(OptionsException.class, () -> create("threshold", Map.of(), DType.FLOAT32));
    assertTrue(threshold.getMessage().contains("needs option 'threshold'"), threshold.getMessage());
    assertEquals(
        "alpha",
        assertThrows(
                OptionsException.class, () -> create("celu", Map.of("alpha", 0), DType.FLOAT32))
            .option());
    assertEquals(
        "upper",
        assertThrows(
                OptionsException.class,
                () -> create("rrelu", Map.of("lower", 0.5, "upper", 0.1), DType.FLOAT32))
            .option());
    assertEquals(
        "approximate",
        assertThrows(
                OptionsException.class,
                () -> create("gelu", Map.of("approximate", "sigmoid"), DType.FLOAT32))
            .option());
  }
}

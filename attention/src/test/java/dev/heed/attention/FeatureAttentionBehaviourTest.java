package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Feature attention's formula, options, masks and messages, beyond the generic contract. */
class FeatureAttentionBehaviourTest {
  private static final int F = 4;
  private static final double[] X = {0.3, -1.2, 2.0, 0.5, -0.7, 0.1, 1.1, -2.2};
  private static Backend backend;
  private final FeatureAttentionProvider provider = new FeatureAttentionProvider();
  private Scope scope;

  @BeforeAll
  static void openBackend() {
    backend = TestBackends.reference();
  }

  @BeforeEach
  void open() {
    scope = Scope.open();
  }

  @AfterEach
  void close() {
    scope.close();
  }

  private AttentionUnit unit(Map<String, Object> options, AttentionSpec spec) {
    return provider.create(
        provider.options().resolve("attention 'feature'", options, Plugins.shared()),
        spec,
        BuildContext.of(backend, DType.FLOAT64, 42));
  }

  private static Tensor x() {
    return Tensors.of(backend, DType.FLOAT64, X.clone(), 2, F);
  }

  /** softmax or sigmoid of (x·Wᵀ + b)/temperature + mask, computed in plain Java. */
  private static double[] expectedWeights(
      AttentionUnit unit, double temperature, boolean sigmoid, double[] mask) {
    double[] w = unit.namedParameters().get("weight").value().toDoubleArray();
    var biasParam = unit.namedParameters().get("bias");
    double[] b = biasParam == null ? new double[F] : biasParam.value().toDoubleArray();
    double[] out = new double[X.length];
    for (int n = 0; n < 2; n++) {
      double[] s = new double[F];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < F; k++) {
        double v = b[k];
        for (int j = 0; j < F; j++) {
          v += X[n * F + j] * w[k * F + j];
        }
        s[k] = v / temperature + (mask == null ? 0 : mask[k]);
        max = Math.max(max, s[k]);
      }
      double sum = 0;
      for (int k = 0; k < F; k++) {
        s[k] = sigmoid ? 1 / (1 + Math.exp(-s[k])) : Math.exp(s[k] - max);
        sum += s[k];
      }
      for (int k = 0; k < F; k++) {
        out[n * F + k] = sigmoid ? s[k] : s[k] / sum;
      }
    }
    return out;
  }

  private static double[] times(double[] a, double[] x) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] * x[i];
    }
    return r;
  }

  @Test
  void softmaxWeightsGateTheFeatures() {
    AttentionUnit unit = unit(Map.of(), AttentionSpec.self(F));
    Tensor x = x();
    AttentionResult r = unit.attend(x, x, x, null, ForwardContext.inference());
    double[] a = expectedWeights(unit, 1.0, false, null);
    assertArrayEquals(a, r.weights().toDoubleArray(), 1e-12);
    assertArrayEquals(times(a, X), r.output().toDoubleArray(), 1e-12);
    assertEquals(List.of(2, F), List.of(r.output().dim(0), r.output().dim(1)));
  }

  @Test
  void parametersAreNamedAndShapedAsNnLinear() {
    AttentionUnit unit = unit(Map.of(), AttentionSpec.self(F));
    assertEquals(List.of("weight", "bias"), List.copyOf(unit.namedParameters().keySet()));
    assertEquals(dev.heed.core.tensor.Shape.of(F, F), unit.namedParameters().get("weight").shape());
    assertEquals(dev.heed.core.tensor.Shape.of(F), unit.namedParameters().get("bias").shape());
    double bound = 1 / Math.sqrt(F);
    for (var p : unit.parameters()) {
      for (double v : p.value().toDoubleArray()) {
        assertTrue(Math.abs(v) <= bound, v + " outside ±1/√F");
      }
    }
    assertEquals(
        List.of("weight"),
        List.copyOf(unit(Map.of("bias", false), AttentionSpec.self(F)).namedParameters().keySet()));
  }

  @Test
  void temperatureDividesTheScores() {
    AttentionUnit unit = unit(Map.of("temperature", 2.5), AttentionSpec.self(F));
    Tensor x = x();
    AttentionResult r = unit.attend(x, x, x, null, ForwardContext.inference());
    assertArrayEquals(expectedWeights(unit, 2.5, false, null), r.weights().toDoubleArray(), 1e-12);
  }

  @Test
  void sigmoidGatesAreIndependent() {
    AttentionUnit unit = unit(Map.of("normalization", "sigmoid"), AttentionSpec.self(F));
    Tensor x = x();
    AttentionResult r = unit.attend(x, x, x, null, ForwardContext.inference());
    double[] a = expectedWeights(unit, 1.0, true, null);
    assertArrayEquals(a, r.weights().toDoubleArray(), 1e-12);
    assertArrayEquals(times(a, X), r.output().toDoubleArray(), 1e-12);
  }

  @Test
  void sigmoidGatesRejectMasks() {
    AttentionUnit unit = unit(Map.of("normalization", "sigmoid"), AttentionSpec.self(F));
    Tensor x = x();
    Tensor mask = Tensors.zeros(backend, dev.heed.core.tensor.Shape.of(F), DType.FLOAT64);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> unit.attend(x, x, x, mask, ForwardContext.inference()));
    assertTrue(e.getMessage().contains("does not support masks"), e.getMessage());
  }

  @Test
  void maskRemovesFeatures() {
    AttentionUnit unit = unit(Map.of(), AttentionSpec.self(F));
    Tensor x = x();
    double[] m = {0, Double.NEGATIVE_INFINITY, 0, -1};
    Tensor mask = Tensors.of(backend, DType.FLOAT64, m, 1, F);
    AttentionResult r = unit.attend(x, x, x, mask, ForwardContext.inference());
    double[] a = r.weights().toDoubleArray();
    assertArrayEquals(expectedWeights(unit, 1.0, false, m), a, 1e-12);
    assertEquals(0.0, a[1]);
    assertEquals(0.0, a[F + 1]);
  }

  @Test
  void maskOfTheWrongShapeIsRejected() {
    AttentionUnit unit = unit(Map.of(), AttentionSpec.self(F));
    Tensor x = x();
    Tensor mask = Tensors.zeros(backend, dev.heed.core.tensor.Shape.of(3, F), DType.FLOAT64);
    assertThrows(
        IllegalArgumentException.class,
        () -> unit.attend(x, x, x, mask, ForwardContext.inference()));
  }

  @Test
  void zerosInitGivesUniformAttention() {
    AttentionUnit unit = unit(Map.of("init", "zeros"), AttentionSpec.self(F));
    Tensor x = x();
    double[] a = unit.attend(x, x, x, null, ForwardContext.inference()).weights().toDoubleArray();
    for (double v : a) {
      assertEquals(1.0 / F, v, 1e-15);
    }
  }

  @Test
  void xavierInitStaysInItsBound() {
    AttentionUnit unit = unit(Map.of("init", "xavier"), AttentionSpec.self(F));
    double bound = Math.sqrt(6.0 / (2 * F));
    for (double v : unit.namedParameters().get("weight").value().toDoubleArray()) {
      assertTrue(Math.abs(v) <= bound, v + " outside the Xavier bound");
    }
    for (double v : unit.namedParameters().get("bias").value().toDoubleArray()) {
      assertEquals(0.0, v);
    }
  }

  @Test
  void aQueryOfAnotherSizeGatesTheValues() {
    AttentionUnit unit = unit(Map.of(), new AttentionSpec(3, F, F));
    assertEquals(dev.heed.core.tensor.Shape.of(F, 3), unit.namedParameters().get("weight").shape());
    Tensor q = Tensors.of(backend, DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor x = x();
    AttentionResult r = unit.attend(q, x, x, null, ForwardContext.inference());
    assertEquals(dev.heed.core.tensor.Shape.of(2, F), r.output().shape());
  }

  @Test
  void wrongShapesAreRejectedWithBothShapes() {
    AttentionUnit unit = unit(Map.of(), AttentionSpec.self(F));
    Tensor x = x();
    Tensor wide = Tensors.zeros(backend, dev.heed.core.tensor.Shape.of(2, F + 1), DType.FLOAT64);
    Tensor rank3 = Tensors.zeros(backend, dev.heed.core.tensor.Shape.of(2, 1, F), DType.FLOAT64);
    Tensor otherBatch = Tensors.zeros(backend, dev.heed.core.tensor.Shape.of(3, F), DType.FLOAT64);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> unit.attend(wide, wide, wide, null, ForwardContext.inference()));
    assertTrue(e.getMessage().contains("[2, 5]") && e.getMessage().contains("4]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> unit.attend(rank3, rank3, rank3, null, ForwardContext.inference()));
    IllegalArgumentException batch =
        assertThrows(
            IllegalArgumentException.class,
            () -> unit.attend(x, x, otherBatch, null, ForwardContext.inference()));
    assertTrue(batch.getMessage().contains("batch = 2"), batch.getMessage());
  }

  @Test
  void optionsAreValidated() {
    OptionsException t =
        assertThrows(
            OptionsException.class, () -> unit(Map.of("temperature", 0.0), AttentionSpec.self(F)));
    assertEquals("temperature", t.option());
    OptionsException n =
        assertThrows(
            OptionsException.class,
            () -> unit(Map.of("normalization", "sparsemax"), AttentionSpec.self(F)));
    assertTrue(n.getMessage().contains("softmax, sigmoid"), n.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> unit(Map.of(), new AttentionSpec(F, F, F + 1)));
  }

  @Test
  void isRegisteredUnderItsName() {
    assertEquals("feature", Plugins.shared().attentionUnits().get("feature").name());
  }
}

package dev.heed.activations;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.plugin.ProviderInfo;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built-in activations are registered under their names and common spellings. */
class ActivationCatalogueTest {
  /** Every activation this module provides. */
  static final Set<String> CATALOGUE =
      Set.of(
          "elu",
          "hardshrink",
          "hardsigmoid",
          "hardtanh",
          "hardswish",
          "leaky-relu",
          "log-sigmoid",
          "prelu",
          "relu",
          "relu6",
          "rrelu",
          "selu",
          "celu",
          "gelu",
          "sigmoid",
          "silu",
          "mish",
          "softplus",
          "softshrink",
          "softsign",
          "tanh",
          "tanhshrink",
          "threshold",
          "glu",
          "softmax",
          "softmin",
          "log-softmax",
          "swish",
          "cube",
          "rational-tanh",
          "rectified-tanh",
          "thresholded-relu",
          "identity");

  private static final double[] X = {-3, -0.5, 0, 0.25, 4};
  private static Backend backend;

  @BeforeAll
  static void openBackend() {
    backend = TestBackends.reference();
  }

  private static double[] apply(ActivationProvider provider, double[] x) {
    Activation a =
        provider.create(
            provider.options().defaults("activation"), BuildContext.of(backend, DType.FLOAT64, 1));
    Tensor in = Tensors.of(backend, DType.FLOAT64, x.clone(), x.length);
    return a.forward(in, ForwardContext.inference()).toDoubleArray();
  }

  @Test
  void everyBuiltInIsRegisteredFromThisModule() {
    Set<String> found = new TreeSet<>();
    for (ProviderInfo info : Plugins.shared().activations().infos()) {
      if (info.module().equals("dev.heed.activations")) {
        found.add(info.name());
      }
    }
    assertEquals(new TreeSet<>(CATALOGUE), found);
    for (String name : CATALOGUE) {
      ActivationProvider p = Plugins.shared().activations().get(name);
      assertEquals(name, p.name());
      assertTrue(!p.description().isBlank(), name);
    }
  }

  @Test
  void commonSpellingsFindTheActivation() {
    Map<String, String> spellings =
        Map.ofEntries(
            Map.entry("LeakyReLU", "leaky-relu"),
            Map.entry("leakyrelu", "leaky-relu"),
            Map.entry("leaky_relu", "leaky-relu"),
            Map.entry("lrelu", "leaky-relu"),
            Map.entry("ReLU", "relu"),
            Map.entry("ReLU6", "relu6"),
            Map.entry("PReLU", "prelu"),
            Map.entry("RReLU", "rrelu"),
            Map.entry("SiLU", "silu"),
            Map.entry("GELU", "gelu"),
            Map.entry("ELU", "elu"),
            Map.entry("SELU", "selu"),
            Map.entry("CELU", "celu"),
            Map.entry("GLU", "glu"),
            Map.entry("LogSigmoid", "log-sigmoid"),
            Map.entry("LogSoftmax", "log-softmax"),
            Map.entry("log_softmax", "log-softmax"),
            Map.entry("Hardswish", "hardswish"),
            Map.entry("Hardtanh", "hardtanh"),
            Map.entry("ThresholdedReLU", "thresholded-relu"),
            Map.entry("logistic", "sigmoid"),
            Map.entry("linear", "identity"));
    spellings.forEach((spelling, name) ->
        assertEquals(name, Plugins.shared().activations().get(spelling).name(), spelling));
  }

  @Test
  void everyDescriptionNamesItsOrigin() {
    for (String name : CATALOGUE) {
      ActivationProvider p = Plugins.shared().activations().get(name);
      boolean torch = p.description().contains("torch.nn.");
      boolean other =
          List.of("swish", "cube", "rational-tanh", "rectified-tanh", "thresholded-relu")
              .contains(name);
      assertTrue(torch != other, name + ": " + p.description());
    }
  }

  @Test
  void valuesMatchTheDefinitions() {
    double[] tanh = new double[X.length];
    double[] sigmoid = new double[X.length];
    double[] relu = new double[X.length];
    for (int i = 0; i < X.length; i++) {
      tanh[i] = Math.tanh(X[i]);
      sigmoid[i] = 1 / (1 + Math.exp(-X[i]));
      relu[i] = Math.max(X[i], 0);
    }
    assertArrayEquals(tanh, apply(new TanhActivationProvider(), X), 1e-15);
    assertArrayEquals(sigmoid, apply(new SigmoidActivationProvider(), X), 1e-15);
    assertArrayEquals(relu, apply(new ReluActivationProvider(), X), 0);
    assertArrayEquals(X, apply(new IdentityActivationProvider(), X), 0);
  }

  @Test
  void identityReturnsItsInput() {
    ActivationProvider p = new IdentityActivationProvider();
    Activation a =
        p.create(p.options().defaults("activation"), BuildContext.of(backend, DType.FLOAT32, 1));
    Tensor in = Tensors.of(backend, DType.FLOAT32, new float[] {1, 2}, 2);
    assertSame(in, a.forward(in, ForwardContext.inference()));
    assertEquals("identity", a.toString());
    assertTrue(a.namedParameters().isEmpty());
  }
}

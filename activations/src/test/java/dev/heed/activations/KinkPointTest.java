package dev.heed.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Value and derivative of every piecewise activation exactly at its kinks, in FLOAT32 and FLOAT64,
 * on the {@code cpu} and {@code simd} backends, against PyTorch's forward and backward formulas
 * ({@code aten/src/ATen/native/cpu/Activation.cpp}, {@code tools/autograd/derivatives.yaml}):
 *
 * <ul>
 *   <li>{@code hardswish_backward}: 0 for {@code x <= -3}, {@code g·(x/3 + 1/2)} for {@code x < 3},
 *       else {@code g}: 0 at -3 and 1 at 3 (the rule since pytorch/pytorch#148049; torch 2.6 and
 *       earlier answered -1/2 and 3/2);
 *   <li>{@code hardsigmoid_backward}: {@code g/6} for {@code -3 < x < 3}, else 0;
 *   <li>{@code hardtanh_backward} (also {@code relu6}): 0 for {@code x <= min_val} or {@code x >=
 *       max_val}, else {@code g};
 *   <li>{@code threshold}: {@code x <= threshold ? value : x}, derivative 0 there ({@code relu} is
 *       {@code threshold(x, 0, 0)});
 *   <li>{@code hardshrink}, {@code softshrink}: 0 and derivative 0 for {@code -lambd <= x <=
 *       lambd};
 *   <li>{@code leaky_relu_backward}: {@code x > 0 ? g : g·negative_slope} (also {@code rrelu} in
 *       evaluation, with the mean slope, and {@code prelu}, with its weight);
 *   <li>{@code elu_backward} with {@code is_result = false}: {@code x <= 0 ? g·α·scale·input_scale·
 *       e^(x·input_scale) : g·scale} ({@code celu}: {@code input_scale = 1/α}; {@code selu}: the
 *       SELU constants);
 *   <li>{@code softplus}: {@code x·β > threshold ? x : log1p(e^(x·β))/β}, derivative {@code
 *       sigmoid(x·β)} at {@code x·β = threshold}.
 * </ul>
 *
 * <p>PyTorch converts every scalar option to the tensor's dtype before it compares, so a FLOAT32
 * kink is at the option rounded to float, and the input here is the kink rounded to the dtype:
 * {@code 0.1f} against a threshold of 0.1 is at the kink in FLOAT32 as {@code 0.1} is in FLOAT64.
 * Each input holds {@value #COUNT} copies of the point, so on {@code simd} both the vector lanes
 * and the scalar tail compute it. {@code thresholded-relu} and {@code rectified-tanh} are not in
 * PyTorch; they follow the same rules ({@code x·(x > theta)} and {@code relu(tanh(x))}).
 */
@SuppressWarnings("try") // the scope frees each case's tensors
class KinkPointTest {
  /** Copies of the point in each input: whole vectors of 4, 8 or 16 floats and a scalar tail. */
  private static final int COUNT = 37;

  private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  private static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** One point: activation and options, input, PyTorch's output and derivative there. */
  record Kink(String name, Map<String, Object> options, double x, double y, double dydx) {
    String label(String backend, DType dtype) {
      return name + options + " at x=" + x + " on " + backend + " in " + dtype;
    }
  }

  private static Kink k(String name, Map<String, Object> options, double x, double y, double d) {
    return new Kink(name, options, x, y, d);
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  static List<Kink> kinks() {
    List<Kink> k = new ArrayList<>();
    k.add(k("hardswish", Map.of(), -3, 0, 0));
    k.add(k("hardswish", Map.of(), 3, 3, 1));
    k.add(k("hardsigmoid", Map.of(), -3, 0, 0));
    k.add(k("hardsigmoid", Map.of(), 3, 1, 0));
    k.add(k("hardtanh", Map.of(), -1, -1, 0));
    k.add(k("hardtanh", Map.of(), 1, 1, 0));
    k.add(k("hardtanh", Map.of("min_val", -2.0, "max_val", 0.5), -2, -2, 0));
    k.add(k("hardtanh", Map.of("min_val", -2.0, "max_val", 0.5), 0.5, 0.5, 0));
    k.add(k("hardtanh", Map.of("min_val", 0.1, "max_val", 0.7), 0.1, 0.1, 0));
    k.add(k("hardtanh", Map.of("min_val", 0.1, "max_val", 0.7), 0.7, 0.7, 0));
    k.add(k("relu6", Map.of(), 0, 0, 0));
    k.add(k("relu6", Map.of(), 6, 6, 0));
    k.add(k("relu", Map.of(), 0, 0, 0));
    k.add(k("threshold", Map.of("threshold", 0.5, "value", -2.0), 0.5, -2, 0));
    k.add(k("threshold", Map.of("threshold", -1.0, "value", 0.25), -1, 0.25, 0));
    k.add(k("threshold", Map.of("threshold", 0.1, "value", 20.0), 0.1, 20, 0));
    for (double lambd : new double[] {0.5, 1.25, 0.1}) {
      for (String name : new String[] {"hardshrink", "softshrink"}) {
        k.add(k(name, Map.of("lambd", lambd), lambd, 0, 0));
        k.add(k(name, Map.of("lambd", lambd), -lambd, 0, 0));
      }
    }
    k.add(k("leaky-relu", Map.of("negative_slope", 0.01), 0, 0, 0.01));
    k.add(k("leaky-relu", Map.of("negative_slope", 0.2), 0, 0, 0.2));
    k.add(k("rrelu", Map.of("lower", 0.125, "upper", 1.0 / 3), 0, 0, (0.125 + 1.0 / 3) / 2));
    k.add(k("prelu", Map.of("num_parameters", 1, "init", 0.25), 0, 0, 0.25));
    k.add(k("elu", Map.of("alpha", 1.0), 0, 0, 1));
    k.add(k("elu", Map.of("alpha", 0.5), 0, 0, 0.5));
    k.add(k("celu", Map.of("alpha", 1.0), 0, 0, 1));
    k.add(k("celu", Map.of("alpha", 0.5), 0, 0, 1));
    k.add(k("selu", Map.of(), 0, 0, SELU_ALPHA * SELU_SCALE));
    k.add(
        k(
            "softplus",
            Map.of("beta", 1.0, "threshold", 20.0),
            20,
            Math.log1p(Math.exp(20)),
            sigmoid(20)));
    k.add(
        k(
            "softplus",
            Map.of("beta", 0.5, "threshold", 5.0),
            10,
            Math.log1p(Math.exp(5)) / 0.5,
            sigmoid(5)));
    k.add(
        k(
            "softplus",
            Map.of("beta", 1.0, "threshold", 0.1),
            0.1,
            Math.log1p(Math.exp(0.1)),
            sigmoid(0.1)));
    k.add(k("thresholded-relu", Map.of("theta", 1.0), 1, 0, 0));
    k.add(k("thresholded-relu", Map.of("theta", 0.1), 0.1, 0, 0));
    k.add(k("rectified-tanh", Map.of(), 0, 0, 0));
    return k;
  }

  @TestFactory
  Stream<DynamicTest> valueAndDerivativeAtEveryKinkMatchPyTorch() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String backend : List.of("cpu", "simd")) {
      for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
        for (Kink kink : kinks()) {
          tests.add(
              DynamicTest.dynamicTest(
                  kink.label(backend, dtype),
                  () -> check(kink, TestBackends.open(backend), dtype)));
        }
      }
    }
    return tests.stream();
  }

  private static void check(Kink kink, Backend backend, DType dtype) {
    String label = kink.label(backend.name(), dtype);
    ActivationProvider p = Plugins.shared().activations().get(kink.name());
    try (Scope scope = Scope.open()) {
      Options options = p.options().resolve("activation '" + p.name() + "'", kink.options());
      Activation act = p.create(options, BuildContext.of(backend, dtype, 1));
      double[] xs = new double[COUNT];
      Arrays.fill(xs, kink.x());
      Tensor x = Tensors.of(backend, dtype, xs, COUNT).requiresGrad(true);
      Tensor y = act.forward(x, ForwardContext.inference());
      assertEquals(COUNT, y.size(), label + ": output size");
      y.backward(Tensors.ones(backend, y.shape(), dtype));
      assertAll(label + " output", y.toDoubleArray(), kink.y(), dtype);
      assertAll(label + " derivative", x.grad().toDoubleArray(), kink.dydx(), dtype);
    }
  }

  /** Every element is {@code expected} to within the dtype's rounding (exact zeros stay exact). */
  private static void assertAll(String what, double[] actual, double expected, DType dtype) {
    double rtol = dtype == DType.FLOAT32 ? 1e-6 : 1e-12;
    StringBuilder bad = new StringBuilder();
    int count = 0;
    for (int i = 0; i < actual.length; i++) {
      double a = actual[i];
      if (!(a == expected) && !(Math.abs(a - expected) <= rtol * Math.abs(expected))) {
        if (count++ < 6) {
          bad.append(String.format("%n  [%d] heed %.17g, torch %.17g", i, a, expected));
        }
      }
    }
    if (count > 0) {
      fail(what + ": " + count + " of " + actual.length + " elements differ" + bad);
    }
  }
}

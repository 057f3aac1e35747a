package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three steps of SGD on {@code loss = ½·Σ c·w²} (so {@code grad = c·w}) compared with values that
 * {@code torch.optim.SGD} (PyTorch 1.13, float64) printed for the same problem.
 */
@SuppressWarnings("try") // scopes opened only to free intermediates
class SgdReferenceTest {
  private static final double[] C = {1, 2, 3};
  private static final double[] W0 = {0.5, -1.5, 2.0};
  private static Backend backend;

  @BeforeAll
  static void openBackend() {
    backend = TestBackends.reference();
  }

  private record Run(Parameter w, Optimizer optimizer, Tensor c) {
    double[] step() {
      try (Scope s = Scope.open()) {
        optimizer.zeroGrad();
        w.value().mul(c).mul(w.value()).sum().mul(0.5).backward();
        optimizer.step();
      }
      return w.value().toDoubleArray();
    }
  }

  private static Run run(Map<String, Object> options) {
    Tensor t = Tensors.of(backend, DType.FLOAT64, W0.clone(), 3);
    Parameter w = new Parameter(t);
    SgdOptimizerProvider provider = new SgdOptimizerProvider();
    Optimizer opt =
        provider.create(
            provider.options().resolve("optimizer 'sgd'", options),
            List.of(ParameterGroup.of(Map.of("w", w))));
    return new Run(w, opt, Tensors.of(backend, DType.FLOAT64, C.clone(), 3));
  }

  private static void check(Map<String, Object> options, double[][] expected, double[] buffer) {
    Run r = run(options);
    for (int step = 0; step < expected.length; step++) {
      assertArrayEquals(expected[step], r.step(), 1e-12, "step " + (step + 1) + " " + options);
    }
    Map<String, Tensor> state = r.optimizer().state();
    if (buffer == null) {
      assertTrue(state.isEmpty(), "no momentum, no state: " + state);
    } else {
      assertEquals(List.of("w.momentum_buffer"), List.copyOf(state.keySet()));
      assertArrayEquals(buffer, state.get("w.momentum_buffer").toDoubleArray(), 1e-12);
    }
  }

  @Test
  void plainSgd() {
    check(
        Map.of("lr", 0.1),
        new double[][] {{0.45, -1.2, 1.4}, {0.405, -0.96, 0.98}, {0.3645, -0.768, 0.686}},
        null);
  }

  @Test
  void momentumWithDampeningAndWeightDecay() {
    check(
        Map.of("lr", 0.1, "momentum", 0.9, "dampening", 0.1, "weight_decay", 0.01),
        new double[][] {
          {0.4495, -1.1985, 1.398},
          {0.36319045, -0.71034135, 0.4774818},
          {0.252497843095, -0.142497814785, -0.48033439962}
        },
        new double[] {1.10692606905, -5.67843535215, 9.5781619962});
  }

  @Test
  void nesterovWithWeightDecay() {
    check(
        Map.of("lr", 0.1, "momentum", 0.9, "nesterov", true, "weight_decay", 0.01),
        new double[][] {
          {0.40405, -0.92715, 0.8562},
          {0.285607805, -0.328856415, -0.12108078},
          {0.1609298367205, 0.1674766413885, -0.699442803918}
        },
        new double[] {1.06479533305, -4.78036574415, 6.8311926522});
  }

  @Test
  void maximizeWithMomentumAndWeightDecay() {
    check(
        Map.of("lr", 0.1, "momentum", 0.5, "maximize", true, "weight_decay", 0.02),
        new double[][] {
          {0.549, -1.797, 2.596},
          {0.627302, -2.301306, 3.667608},
          {0.727928596, -3.009117588, 5.296359184}
        },
        new double[] {-1.00626596, 7.07811588, -16.28751184});
  }

  @Test
  void stateRoundTripContinuesIdentically() {
    Map<String, Object> options = Map.of("lr", 0.1, "momentum", 0.9, "dampening", 0.1);
    Run a = run(options);
    a.step();
    Run resumed;
    try (Scope s = Scope.open()) {
      Map<String, Tensor> saved = a.optimizer().state();
      // a second optimizer over a parameter with the same values, state loaded from the first
      Tensor t =
          Scope.outside(() -> Tensors.of(backend, DType.FLOAT64, a.w().value().toDoubleArray(), 3));
      Parameter w = new Parameter(t);
      SgdOptimizerProvider provider = new SgdOptimizerProvider();
      Optimizer opt =
          provider.create(
              provider.options().resolve("optimizer 'sgd'", options),
              List.of(ParameterGroup.of(Map.of("w", w))));
      opt.loadState(saved);
      resumed = new Run(w, opt, a.c());
    }
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(a.step(), resumed.step(), 0.0, "step " + (i + 2) + " after resuming");
    }
  }

  @Test
  void stateIsASnapshot() {
    Run r = run(Map.of("lr", 0.1, "momentum", 0.9));
    r.step();
    Map<String, Tensor> first = r.optimizer().state();
    double[] before = first.get("w.momentum_buffer").toDoubleArray();
    r.step();
    assertArrayEquals(before, first.get("w.momentum_buffer").toDoubleArray(), 0.0);
  }

  @Test
  void parametersWithoutGradientAreSkipped() {
    Parameter used = new Parameter(Tensors.of(backend, DType.FLOAT64, new double[] {1, 2}, 2));
    Parameter unused = new Parameter(Tensors.of(backend, DType.FLOAT64, new double[] {3, 4}, 2));
    Map<String, Parameter> params = new LinkedHashMap<>();
    params.put("used", used);
    params.put("unused", unused);
    SgdOptimizerProvider provider = new SgdOptimizerProvider();
    Optimizer opt =
        provider.create(
            provider.options().resolve("sgd", Map.of("lr", 0.5, "momentum", 0.9)),
            List.of(ParameterGroup.of(params)));
    try (Scope s = Scope.open()) {
      used.value().sum().backward();
      opt.step();
    }
    assertArrayEquals(new double[] {0.5, 1.5}, used.value().toDoubleArray(), 1e-15);
    assertArrayEquals(new double[] {3, 4}, unused.value().toDoubleArray(), 0.0);
    assertNull(unused.grad());
    assertEquals(List.of("used.momentum_buffer"), List.copyOf(opt.state().keySet()));
  }

  @Test
  void groupOverridesAndLearningRates() {
    Parameter a = new Parameter(Tensors.of(backend, DType.FLOAT64, new double[] {1}, 1));
    Parameter b = new Parameter(Tensors.of(backend, DType.FLOAT64, new double[] {1}, 1));
    SgdOptimizerProvider provider = new SgdOptimizerProvider();
    Optimizer opt =
        provider.create(
            provider.options().resolve("sgd", Map.of("lr", 0.5, "weight_decay", 1.0)),
            List.of(
                ParameterGroup.of(Map.of("a", a)),
                new ParameterGroup(Map.of("b", b), Map.of("lr", 0.25, "weight_decay", 0))));
    assertEquals(0.5, opt.learningRate(0));
    assertEquals(0.25, opt.learningRate(1));
    assertEquals(2, opt.groups().size());
    assertSame(b, opt.groups().get(1).parameters().get("b"));
    try (Scope s = Scope.open()) {
      a.value().add(b.value()).sum().backward(); // both gradients are 1
      opt.step();
    }
    assertEquals(1 - 0.5 * (1 + 1.0), a.value().item(), 1e-15); // decay 1 on a
    assertEquals(1 - 0.25 * 1, b.value().item(), 1e-15); // no decay on b
    opt.setLearningRate(1, 1.0);
    assertEquals(1.0, opt.learningRate(1));
    opt.zeroGrad();
    assertNull(a.grad());
    assertNull(b.grad());
  }
}

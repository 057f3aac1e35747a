package com.example.heed.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.OptimizerContract;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adan meets Heed's optimizer contract (convergence on an ill-conditioned quadratic and on
 * Rosenbrock, state saved and restored continuing bit for bit, parameters without a gradient left
 * alone, learning rates per group, a group's weight-decay override applied to that group only,
 * every backend on the test path — cpu and simd — against the reference, registration and
 * options), and computes the formula of its class comment, step for step, against a
 * transcription of it in plain Java doubles.
 */
@SuppressWarnings("try") // try (Scope scope = Scope.open()) frees each test's tensors
class AdanOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new AdanOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.05);
  }

  @Override
  protected Map<String, Object> rosenbrockOptions() {
    return Map.of("lr", 0.01);
  }

  @Override
  protected int rosenbrockSteps() {
    return 8000;
  }

  /** Both proximal and decoupled decay, each in its own group, against the formula. */
  @Test
  void stepsFollowTheFormula() {
    double[] start = {0.8, -1.2, 0.3, 2.0, -0.4};
    double[] curvature = {1.0, 3.0, 0.5, 2.0, 7.0};
    Map<String, Object> proximal = Map.of("weight_decay", 0.1);
    Map<String, Object> decoupled = Map.of("weight_decay", 0.2, "no_prox", true);
    double lr = 0.03;
    double[] betas = {0.98, 0.92, 0.99};
    double eps = 1e-8;
    int steps = 6;

    Backend ref = TestBackends.reference();
    Parameter a = new Parameter(Scope.outside(() -> Tensors.of(ref, DType.FLOAT64, start, 5)));
    Parameter b = new Parameter(Scope.outside(() -> Tensors.of(ref, DType.FLOAT64, start, 5)));
    Tensor c = Scope.outside(() -> Tensors.of(ref, DType.FLOAT64, curvature, 5));
    Optimizer optimizer =
        provider()
            .create(
                provider().options().resolve("adan", Map.of("lr", lr)),
                List.of(
                    new ParameterGroup(Map.of("a", a), proximal),
                    new ParameterGroup(Map.of("b", b), decoupled)));
    for (int i = 0; i < steps; i++) {
      try (Scope scope = Scope.open()) {
        optimizer.zeroGrad();
        // Σ c·p² for each parameter, whose gradient is 2·c·p
        Reductions.sum(c.mul(a.value().square()).add(c.mul(b.value().square()))).backward();
        optimizer.step();
      }
    }
    double[] expectedA = formula(start, curvature, lr, betas, eps, 0.1, false, steps);
    double[] expectedB = formula(start, curvature, lr, betas, eps, 0.2, true, steps);
    double[] actualA = a.value().toDoubleArray();
    double[] actualB = b.value().toDoubleArray();
    for (int i = 0; i < start.length; i++) {
      assertEquals(expectedA[i], actualA[i], 1e-12 * (1 + Math.abs(expectedA[i])), "a[" + i + "]");
      assertEquals(expectedB[i], actualB[i], 1e-12 * (1 + Math.abs(expectedB[i])), "b[" + i + "]");
    }
    assertTrue(optimizer.state().containsKey("a.exp_avg_diff"), "state: " + optimizer.state());
    assertTrue(optimizer.state().containsKey("b.pre_grad"), "state: " + optimizer.state());
  }

  /** The formula of {@link Adan}'s comment in doubles, on {@code Σ c·p²}. */
  private static double[] formula(
      double[] start,
      double[] c,
      double lr,
      double[] betas,
      double eps,
      double weightDecay,
      boolean noProx,
      int steps) {
    int size = start.length;
    double[] p = start.clone();
    double[] m = new double[size];
    double[] v = new double[size];
    double[] n = new double[size];
    double[] previous = null;
    for (int t = 1; t <= steps; t++) {
      double[] g = new double[size];
      for (int i = 0; i < size; i++) {
        g[i] = 2 * c[i] * p[i];
      }
      for (int i = 0; i < size; i++) {
        double d = previous == null ? 0 : g[i] - previous[i];
        m[i] = betas[0] * m[i] + (1 - betas[0]) * g[i];
        v[i] = betas[1] * v[i] + (1 - betas[1]) * d;
        double corrected = g[i] + betas[1] * d;
        n[i] = betas[2] * n[i] + (1 - betas[2]) * corrected * corrected;
        double u =
            (m[i] / (1 - Math.pow(betas[0], t)) + betas[1] * v[i] / (1 - Math.pow(betas[1], t)))
                / (Math.sqrt(n[i]) / Math.sqrt(1 - Math.pow(betas[2], t)) + eps);
        p[i] =
            noProx
                ? p[i] * (1 - lr * weightDecay) - lr * u
                : (p[i] - lr * u) / (1 + lr * weightDecay);
      }
      previous = g;
    }
    return p;
  }

  @Test
  void betasOutsideTheUnitIntervalAreRefused() {
    Map<String, Object> raw = new LinkedHashMap<>();
    raw.put("betas", List.of(0.98, 1.0, 0.99));
    OptionsException e =
        assertThrows(
            OptionsException.class,
            () ->
                provider()
                    .create(
                        provider().options().resolve("optimizer 'adan'", raw),
                        List.of(ParameterGroup.of(Map.of()))));
    assertTrue(e.getMessage().contains("beta 2 is 1.0"), e.getMessage());
  }
}

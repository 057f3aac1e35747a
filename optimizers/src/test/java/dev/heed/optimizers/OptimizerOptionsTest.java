package dev.heed.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.support.GroupedOptimizer;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The optimizers' declared options (PyTorch 1.13's names and defaults), their checks, and the step
 * counts in their state.
 */
@SuppressWarnings("try")
class OptimizerOptionsTest {
  private static Options defaults(String name) {
    return Plugins.shared().optimizers().get(name).options().defaults(name);
  }

  private static Optimizer create(String name, Map<String, Object> options) {
    OptimizerProvider p = Plugins.shared().optimizers().get(name);
    Parameter w =
        new Parameter(
            Scope.outside(
                () -> Tensors.of(TestBackends.reference(), DType.FLOAT64, new double[] {1, 2}, 2)));
    return p.create(p.options().resolve(name, options), List.of(ParameterGroup.of(Map.of("w", w))));
  }

  @Test
  void defaultsFollowPyTorch() {
    assertEquals(
        Map.of(
            "lr",
            1e-3,
            "betas",
            List.of(0.9, 0.999),
            "eps",
            1e-8,
            "weight_decay",
            0.0,
            "amsgrad",
            false,
            "maximize",
            false),
        defaults("adam").asMap());
    assertEquals(1e-2, defaults("adamw").getDouble("weight_decay"));
    assertEquals(2e-3, defaults("adamax").getDouble("lr"));
    assertEquals(2e-3, defaults("nadam").getDouble("lr"));
    assertEquals(4e-3, defaults("nadam").getDouble("momentum_decay"));
    assertEquals(1e-3, defaults("radam").getDouble("lr"));
    assertEquals(1e-10, defaults("adagrad").getDouble("eps"));
    assertEquals(1.0, defaults("adadelta").getDouble("lr"));
    assertEquals(0.9, defaults("adadelta").getDouble("rho"));
    assertEquals(1e-6, defaults("adadelta").getDouble("eps"));
    assertEquals(0.99, defaults("rmsprop").getDouble("alpha"));
    assertArrayEquals(new double[] {0.5, 1.2}, defaults("rprop").getNumbers("etas"));
    assertArrayEquals(new double[] {1e-6, 50}, defaults("rprop").getNumbers("step_sizes"));
    assertEquals(1e-4, defaults("lion").getDouble("lr"));
    assertArrayEquals(new double[] {0.9, 0.99}, defaults("lion").getNumbers("betas"));
    assertEquals(1e-6, defaults("lamb").getDouble("eps"));
    assertEquals(1e-16, defaults("adabelief").getDouble("eps"));
  }

  @Test
  void tuplesAreListsOfNumbersAndTheCommaSpellingStillReads() {
    assertArrayEquals(
        new double[] {0.8, 0.99},
        ((GroupedOptimizer) create("adam", Map.of("betas", List.of(0.8, 0.99))))
            .options(0)
            .getNumbers("betas"));
    assertArrayEquals(
        new double[] {0.8, 0.99},
        ((GroupedOptimizer) create("adam", Map.of("betas", "0.8, 0.99")))
            .options(0)
            .getNumbers("betas"));
  }

  @Test
  void badTuplesAreExplained() {
    OptionsException e =
        assertThrows(OptionsException.class, () -> create("adam", Map.of("betas", List.of(0.9))));
    assertEquals("betas", e.option());
    assertTrue(e.getMessage().contains("a list of 2 numbers"), e.getMessage());
    assertTrue(e.getMessage().contains("[0.9, 0.999]"), e.getMessage());
    e =
        assertThrows(
            OptionsException.class, () -> create("adam", Map.of("betas", List.of("a", 0.9))));
    assertTrue(e.getMessage().contains("expected a list of 2 numbers"), e.getMessage());
    e = assertThrows(OptionsException.class, () -> create("adamw", Map.of("betas", "0.9,1.0")));
    assertTrue(e.getMessage().contains("beta 2 is 1.0"), e.getMessage());
    e = assertThrows(OptionsException.class, () -> create("rprop", Map.of("etas", "1.2,0.5")));
    assertTrue(e.getMessage().contains("etaminus < 1 < etaplus"), e.getMessage());
    e = assertThrows(OptionsException.class, () -> create("rprop", Map.of("step_sizes", "5,1")));
    assertTrue(e.getMessage().contains("min <= max"), e.getMessage());
  }

  @Test
  void stepCountsAreSavedAsIntegerScalarsAndRestored() {
    Optimizer o = create("adam", Map.of("lr", 0.1));
    Parameter w = o.groups().get(0).parameters().get("w");
    for (int i = 0; i < 3; i++) {
      try (Scope s = Scope.open()) {
        o.zeroGrad();
        w.value().square().sum().backward();
        o.step();
      }
    }
    try (Scope s = Scope.open()) {
      Map<String, Tensor> state = o.state();
      assertEquals(List.of("w.step", "w.exp_avg", "w.exp_avg_sq"), List.copyOf(state.keySet()));
      Tensor step = state.get("w.step");
      assertEquals(DType.INT32, step.dtype());
      assertEquals(0, step.rank());
      assertEquals(3, step.item());
      Optimizer other = create("adam", Map.of("lr", 0.1));
      other.loadState(state);
      assertEquals(3, other.state().get("w.step").item());
      IllegalArgumentException bad =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  other.loadState(
                      Map.of(
                          "w.step",
                          Tensors.scalar(TestBackends.reference(), DType.FLOAT64, -2.5))));
      assertTrue(bad.getMessage().contains("step count"), bad.getMessage());
    }
  }
}

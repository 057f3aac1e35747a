package dev.heed.optimizers;

import static dev.heed.optimizers.ScheduleReferenceTest.schedule;
import static dev.heed.optimizers.ScheduleReferenceTest.twoGroups;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.OptionsException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Schedules beyond the PyTorch numbers: the step and epoch clocks, composites across clocks,
 * checkpoints that resume exactly, reduce-on-plateau without a metric, registration and the
 * messages for bad options.
 */
class ScheduleBehaviourTest {
  private static final List<String> NAMES =
      List.of(
          "constant",
          "step",
          "multi-step",
          "exponential",
          "linear",
          "cosine",
          "cosine-warm-restarts",
          "one-cycle",
          "polynomial",
          "warmup",
          "sequential",
          "reduce-on-plateau");

  private static double[] rates(Optimizer o) {
    return new double[] {o.learningRate(0), o.learningRate(1)};
  }

  /** Runs {@code epochs} epochs of {@code stepsPerEpoch} steps; the rates used by each step. */
  private static List<double[]> run(
      Schedule s, Optimizer o, int firstEpoch, int epochs, int stepsPerEpoch, double[] metrics) {
    List<double[]> out = new ArrayList<>();
    for (int e = firstEpoch; e < firstEpoch + epochs; e++) {
      for (int k = 1; k <= stepsPerEpoch; k++) {
        out.add(rates(o));
        s.afterStep(o, (long) (e - 1) * stepsPerEpoch + k);
      }
      s.afterEpoch(o, e, metrics == null ? Double.NaN : metrics[e - 1]);
    }
    return out;
  }

  @Test
  void everyScheduleIsRegisteredWithDeclaredOptions() {
    for (String name : NAMES) {
      ScheduleProvider p = Plugins.shared().schedules().get(name);
      assertEquals(name, p.name());
      assertTrue(!p.description().isBlank(), name);
      for (OptionSpec o : p.options().options()) {
        assertTrue(o.name().matches("[a-z0-9]+(_[a-z0-9]+)*"), name + " " + o.name());
        assertTrue(!o.description().isBlank(), name + " " + o.name());
      }
    }
    assertEquals("cosine", Plugins.shared().schedules().get("CosineAnnealingLR").name());
    assertEquals("reduce-on-plateau", Plugins.shared().schedules().get("ReduceLROnPlateau").name());
  }

  /** A negative gamma would give negative rates (which every optimizer refuses mid-run). */
  @Test
  void negativeGammaIsRefusedWhenOptionsAreResolved() {
    for (String name : List.of("step", "multistep", "exponential")) {
      ScheduleProvider p = Plugins.shared().schedules().get(name);
      Map<String, Object> options = new LinkedHashMap<>();
      options.put("gamma", -0.5);
      if (name.equals("step")) {
        options.put("step_size", 1);
      }
      if (name.equals("multistep")) {
        options.put("milestones", "2");
      }
      OptionsException e =
          assertThrows(OptionsException.class, () -> p.options().resolve(name, options), name);
      assertTrue(
          e.getMessage().contains("gamma") && e.getMessage().contains(">= 0"), e.getMessage());
    }
  }

  @Test
  void epochScheduleIgnoresStepsAndStepScheduleIgnoresEpochs() {
    Optimizer o = twoGroups();
    Schedule byEpoch = schedule("step", Map.of("step_size", 1, "gamma", 0.5));
    byEpoch.start(o);
    List<double[]> used = run(byEpoch, o, 1, 3, 4, null);
    assertArrayEquals(new double[] {0.1, 0.05}, used.get(3), 0.0);
    assertArrayEquals(new double[] {0.05, 0.025}, used.get(4), 1e-15);
    assertArrayEquals(new double[] {0.025, 0.0125}, used.get(11), 1e-15);

    Optimizer o2 = twoGroups();
    Schedule bySteps = schedule("step", Map.of("step_size", 1, "gamma", 0.5, "interval", "step"));
    bySteps.start(o2);
    List<double[]> used2 = run(bySteps, o2, 1, 1, 3, null);
    assertArrayEquals(new double[] {0.025, 0.0125}, used2.get(2), 1e-15);
  }

  @Test
  void warmupPerStepThenEpochSchedule() {
    Optimizer o = twoGroups();
    Schedule s =
        schedule(
            "warmup",
            Map.of("warmup_steps", 4, "then", "step(step_size=1, gamma=0.5, interval=epoch)"));
    s.start(o);
    List<double[]> used = run(s, o, 1, 3, 4, null);
    assertEquals(0.0, used.get(0)[0], 0.0); // start_factor 0
    assertEquals(0.025, used.get(1)[0], 1e-15);
    assertEquals(0.075, used.get(3)[0], 1e-15);
    // warm-up done after step 4 (end of epoch 1): the step schedule starts at its base ...
    assertEquals(0.1, used.get(4)[0], 1e-15);
    assertEquals(0.1, used.get(7)[0], 1e-15);
    // ... and halves after each of its own epochs
    assertEquals(0.05, used.get(8)[0], 1e-15);
    assertEquals(0.025, rates(o)[0], 1e-15);
  }

  @Test
  void innerSchedulesFollowTheCompositeClockUnlessTheySetTheirOwn() {
    Optimizer o = twoGroups();
    Schedule s = schedule("warmup", Map.of("warmup_steps", 2, "then", "exponential(gamma=0.5)"));
    s.start(o);
    List<double[]> used = run(s, o, 1, 1, 5, null);
    // steps 1, 2 warm up; then exponential per step: 0.1, 0.05, 0.025
    assertEquals(0.1, used.get(2)[0], 1e-15);
    assertEquals(0.05, used.get(3)[0], 1e-15);
    assertEquals(0.025, used.get(4)[0], 1e-15);
  }

  @Test
  void statesResumeExactly() {
    double[] metrics = new double[40];
    for (int i = 0; i < metrics.length; i++) {
      metrics[i] = 1.0 / (1 + Math.min(i, 8)) + 0.001 * Math.sin(i);
    }
    List<Map<String, Object>> configs = new ArrayList<>();
    configs.add(Map.of("name", "cosine", "t_max", 7, "eta_min", 0.001));
    configs.add(Map.of("name", "one-cycle", "total_steps", 90));
    configs.add(Map.of("name", "cosine-warm-restarts", "t_0", 3, "t_mult", 2));
    configs.add(
        Map.of(
            "name",
            "sequential",
            "schedules",
            "linear(start_factor=0.5, total_iters=3); multi-step(milestones='2,5', gamma=0.5);"
                + " warmup(warmup_steps=4, then=\"cosine(t_max=9)\", interval=step)",
            "milestones",
            "4,9"));
    configs.add(Map.of("name", "reduce-on-plateau", "patience", 1, "factor", 0.5));
    for (Map<String, Object> config : configs) {
      Map<String, Object> options = new LinkedHashMap<>(config);
      String name = (String) options.remove("name");
      Optimizer o = twoGroups();
      Schedule s = schedule(name, options);
      s.start(o);
      run(s, o, 1, 12, 3, metrics);
      Map<String, Double> saved = s.state();
      List<double[]> expected = run(s, o, 13, 12, 3, metrics);
      for (boolean loadFirst : new boolean[] {true, false}) {
        Optimizer resumedOptimizer = twoGroups();
        Schedule resumed = schedule(name, options);
        if (loadFirst) {
          resumed.loadState(saved);
          resumed.start(resumedOptimizer);
        } else {
          resumed.start(resumedOptimizer);
          resumed.loadState(saved);
        }
        List<double[]> actual = run(resumed, resumedOptimizer, 13, 12, 3, metrics);
        for (int i = 0; i < expected.size(); i++) {
          assertArrayEquals(
              expected.get(i),
              actual.get(i),
              0.0,
              name
                  + " resumed (loadState "
                  + (loadFirst ? "before" : "after")
                  + " start), step "
                  + i);
        }
      }
    }
  }

  @Test
  void plateauIgnoresMissingMetric() {
    Optimizer o = twoGroups();
    Schedule s = schedule("reduce-on-plateau", Map.of("patience", 0));
    s.start(o);
    s.afterEpoch(o, 1, 1.0);
    for (int e = 2; e < 6; e++) {
      s.afterEpoch(o, e, Double.NaN);
    }
    assertArrayEquals(new double[] {0.1, 0.05}, rates(o), 0.0);
    s.afterEpoch(o, 6, 1.0);
    assertArrayEquals(new double[] {0.01, 0.005}, rates(o), 1e-15);
  }

  @Test
  void oneCycleHoldsItsLastRatePastTheEnd() {
    Optimizer o = twoGroups();
    Schedule s = schedule("one-cycle", Map.of("total_steps", 10));
    s.start(o);
    s.afterStep(o, 9);
    double[] last = rates(o);
    s.afterStep(o, 50);
    assertArrayEquals(last, rates(o), 0.0);
    assertEquals(0.1 / 25 / 1e4, last[0], 1e-18);
  }

  private static String message(Map<String, Object> options, String name) {
    return assertThrows(OptionsException.class, () -> schedule(name, options)).getMessage();
  }

  @Test
  void badOptionsAreExplained() {
    String m = message(Map.of("milestones", List.of(30, 20)), "multi-step");
    assertTrue(m.contains("strictly increasing") && m.contains("[30, 20]"), m);
    m = message(Map.of("milestones", "30,20"), "multi-step");
    assertTrue(m.contains("strictly increasing") && m.contains("[30, 20]"), m);
    m = message(Map.of(), "one-cycle");
    assertTrue(m.contains("total_steps") && m.contains("steps_per_epoch"), m);
    m = message(Map.of("schedules", "linear; cosine(t_max=5)", "milestones", "3,6"), "sequential");
    assertTrue(m.contains("2 schedules need 1 milestones"), m);
    m = message(Map.of("schedules", "linear(total_iters 5)", "milestones", "3"), "sequential");
    assertTrue(m.contains("key=value") && m.contains("name(key=value, ...)"), m);
    m = message(Map.of("warmup_steps", 5, "then", "cosin(t_max=5)"), "warmup");
    assertTrue(m.contains("option 'then'") && m.contains("cosine"), m);
    m = message(Map.of("warmup_steps", 5, "then", "cosine(t_mx=5)"), "warmup");
    assertTrue(m.contains("t_mx") && m.contains("t_max"), m);
    m = message(Map.of("warmup_steps", 5, "then", "step(step_size=2); linear"), "warmup");
    assertTrue(m.contains("expected one"), m);
    m = message(Map.of(), "cosine");
    assertTrue(m.contains("t_max"), m);
  }

  @Test
  void stepBeforeStartIsRefused() {
    Optimizer o = twoGroups();
    Schedule s = schedule("exponential", Map.of("gamma", 0.9));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> s.afterEpoch(o, 1, 0));
    assertTrue(e.getMessage().contains("start(optimizer)"), e.getMessage());
  }
}

package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.backend.replay.ScalarPass;
import dev.heed.core.backend.replay.StepReplay;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A whole training step (forward, MSE loss, backward, optimizer update) captured once and replayed:
 * with plain SGD at a constant learning rate the replayed run gives the eager run's losses and
 * parameters bit for bit on the reference backend. Adam's bias correction is a per-step scalar of
 * the update: unmarked, the comparison of two captured runs refuses it; marked with {@link
 * ScalarPass#run}, a host pass gives the plan each step's scalars, and the replayed run equals the
 * eager one bit for bit on the same backend (Adam, AdamW, SGD under a changing learning rate and
 * with momentum, RMSprop, and every other optimizer whose update is one fused program: Adagrad,
 * Adadelta, Adamax, NAdam, RAdam across its change of regime, AdaBelief, Lion and Rprop, each with
 * its flags), its step counts and state included. Where the update is not made of fused programs
 * (LAMB, whose trust ratio takes two reductions, or the reference backend, which has no fused
 * programs) the marked step is refused and runs eagerly.
 */
class TrainingReplayTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int BATCH = 8;
  private static final int IN = 4;
  private static final int HIDDEN = 6;
  private static final int OUT = 3;

  /** A 4-6-3 tanh MLP and its optimizer, on {@code be}. */
  private record Net(Map<String, Parameter> params, Optimizer optimizer) {
    static Net of(Backend be, String optimizer) {
      Map<String, Parameter> p = new LinkedHashMap<>();
      p.put("w1", param(be, 1, HIDDEN, IN));
      p.put("b1", param(be, 2, HIDDEN));
      p.put("w2", param(be, 3, OUT, HIDDEN));
      p.put("b2", param(be, 4, OUT));
      OptimizerProvider o = Plugins.shared().optimizers().get(optimizer);
      return new Net(
          p,
          o.create(
              o.options().resolve("optimizer", Map.of("lr", 0.05)), List.of(ParameterGroup.of(p))));
    }

    private static Parameter param(Backend be, long seed, int... shape) {
      return new Parameter(
          Scope.outside(() -> Tensors.normal(be, Shape.of(shape), F32, 0, 0.5, seed)));
    }

    Tensor forward(Tensor x) {
      Tensor h = Linalg.linear(x, params.get("w1").value(), params.get("b1").value()).tanh();
      return Linalg.linear(h, params.get("w2").value(), params.get("b2").value());
    }

    /** One step on the batch {@code in[0]} (inputs) and {@code in[1]} (targets); the loss out. */
    Object[] step(Backend be, Object[] in) {
      return step(be, in, false);
    }

    /** One step, its update marked for per-step scalars when {@code marked}. */
    @SuppressWarnings("try")
    Object[] step(Backend be, Object[] in, boolean marked) {
      float[] loss;
      try (Scope s = Scope.open()) {
        Tensor x = Tensors.of(be, F32, (float[]) in[0], BATCH, IN);
        Tensor y = Tensors.of(be, F32, (float[]) in[1], BATCH, OUT);
        Tensor l = Elementwise.sub(forward(x), y).square().mean();
        l.backward();
        if (marked) {
          ScalarPass.run(optimizer::step);
        } else {
          optimizer.step();
        }
        loss = l.toFloatArray();
      }
      // the gradients end with the step, so that nothing it allocated outlives it
      optimizer.zeroGrad();
      return new Object[] {loss};
    }

    float[] values(String name) {
      return params.get(name).value().toFloatArray();
    }
  }

  private static Net net(Backend be, String optimizer, Map<String, Object> options) {
    Net n = Net.of(be, "sgd");
    OptimizerProvider o = Plugins.shared().optimizers().get(optimizer);
    return new Net(
        n.params(),
        o.create(
            o.options().resolve("optimizer", options), List.of(ParameterGroup.of(n.params()))));
  }

  /**
   * Trains two copies of a net for 12 steps, one eagerly on {@code eagerBackend}, one through
   * {@link StepReplay} on a replay backend over {@code replayed}, the learning rate set before each
   * step by {@code schedule}; returns the replayed run's step replay (still open) after checking
   * losses, parameters and optimizer state bit for bit.
   */
  private static int trainBoth(
      String backend, String optimizer, Map<String, Object> options, boolean changingRate) {
    return trainBoth(backend, optimizer, options, changingRate, -1);
  }

  /**
   * As above; before step {@code restoreAt} both optimizers reload their own state, and two steps
   * later start afresh.
   */
  private static int trainBoth(
      String backend,
      String optimizer,
      Map<String, Object> options,
      boolean changingRate,
      int restoreAt) {
    try (Backend eagerBackend = TestBackends.open(backend);
        ReplayBackend be = ReplayBackend.over(TestBackends.open(backend));
        StepReplay<Integer> replay = new StepReplay<>(be, 1)) {
      Net eager = net(eagerBackend, optimizer, options);
      Net replayed = net(be, optimizer, options);
      for (int step = 0; step < 12; step++) {
        if (changingRate) {
          eager.optimizer().setLearningRate(0, 0.05 / (1 + step));
          replayed.optimizer().setLearningRate(0, 0.05 / (1 + step));
        }
        if (step == restoreAt) {
          // a restored state is written into the moments the plan reads: it goes on replaying
          eager.optimizer().loadState(eager.optimizer().state());
          replayed.optimizer().loadState(replayed.optimizer().state());
        }
        if (restoreAt >= 0 && step == restoreAt + 2) {
          // a state started afresh releases them: the plan is dropped, the step captured again
          eager.optimizer().loadState(Map.of());
          replayed.optimizer().loadState(Map.of());
        }
        Object[] b = batch(step);
        float[] want = (float[]) eager.step(eagerBackend, b, true)[0];
        float[] got = (float[]) replay.run(BATCH, b, in -> replayed.step(be, in, true))[0];
        assertArrayEquals(want, got, optimizer + " loss of step " + step);
      }
      for (String name : eager.params().keySet()) {
        assertArrayEquals(eager.values(name), replayed.values(name), name + " after 12 steps");
      }
      Map<String, Tensor> ws = eager.optimizer().state();
      Map<String, Tensor> gs = replayed.optimizer().state();
      assertEquals(ws.keySet(), gs.keySet());
      for (String k : ws.keySet()) {
        if (ws.get(k).dtype() == DType.INT32) {
          assertArrayEquals(ws.get(k).toIntArray(), gs.get(k).toIntArray(), k);
        } else {
          assertArrayEquals(ws.get(k).toFloatArray(), gs.get(k).toFloatArray(), k);
        }
      }
      return replay.planCount();
    }
  }

  @Test
  void markedAdamStepsReplayWithEachStepsScalars() {
    assumeTrue(TestBackends.availableNames().contains("simd"), "simd backend on the path");
    assertEquals(1, trainBoth("simd", "adam", Map.of("lr", 0.05), false), "adam replayed");
    assertEquals(
        1,
        trainBoth("simd", "adamw", Map.of("lr", 0.05, "weight_decay", 0.1), true),
        "adamw under a changing rate replayed");
    assertEquals(
        1, trainBoth("simd", "sgd", Map.of("lr", 0.05), true), "sgd under a changing rate");
    assertEquals(
        1,
        trainBoth(
            "simd",
            "sgd",
            Map.of("lr", 0.05, "momentum", 0.9, "nesterov", true, "weight_decay", 0.01),
            true),
        "sgd with nesterov momentum");
    assertEquals(
        1,
        trainBoth("simd", "sgd", Map.of("lr", 0.05, "momentum", 0.8, "dampening", 0.1), false),
        "sgd with dampened momentum");
    assertEquals(1, trainBoth("simd", "rmsprop", Map.of("lr", 0.01), true), "rmsprop");
    assertEquals(
        1,
        trainBoth(
            "simd",
            "rmsprop",
            Map.of("lr", 0.005, "centered", true, "momentum", 0.9, "weight_decay", 0.01),
            false),
        "centered rmsprop with momentum");
  }

  /**
   * An optimizer, its options, whether the learning rate changes every step, and the step before
   * which its state is restored (and two steps later started afresh), or -1.
   */
  record Case(String optimizer, Map<String, Object> options, boolean changingRate, int restoreAt) {
    @Override
    public String toString() {
      return optimizer
          + " "
          + options
          + (changingRate ? ", changing rate" : "")
          + (restoreAt >= 0 ? ", state restored before step " + restoreAt : "");
    }
  }

  static Stream<Case> fusedOptimizers() {
    return Stream.of(
        new Case("adagrad", Map.of("lr", 0.05), true, -1),
        new Case(
            "adagrad",
            Map.of(
                "lr",
                0.05,
                "lr_decay",
                0.1,
                "weight_decay",
                0.01,
                "initial_accumulator_value",
                0.1,
                "maximize",
                true),
            false,
            4),
        new Case("adadelta", Map.of("lr", 1.0), true, -1),
        new Case(
            "adadelta",
            Map.of("lr", 0.5, "rho", 0.8, "weight_decay", 0.01, "maximize", true),
            false,
            4),
        new Case("adamax", Map.of("lr", 0.01), true, -1),
        new Case("adamax", Map.of("lr", 0.01, "weight_decay", 0.1, "maximize", true), false, 4),
        new Case("nadam", Map.of("lr", 0.01), true, -1),
        new Case("nadam", Map.of("lr", 0.01, "weight_decay", 0.1), false, 4),
        // ρ_t > 5 from step 6 on: both regimes in one captured program
        new Case("radam", Map.of("lr", 0.01), true, -1),
        new Case("radam", Map.of("lr", 0.01, "weight_decay", 0.1), false, 4),
        new Case("adabelief", Map.of("lr", 0.01), true, -1),
        new Case("adabelief", Map.of("lr", 0.01, "weight_decay", 0.1, "maximize", true), true, -1),
        new Case(
            "adabelief",
            Map.of("lr", 0.01, "weight_decay", 0.1, "weight_decouple", false),
            false,
            4),
        new Case("lion", Map.of("lr", 0.001), true, -1),
        new Case("lion", Map.of("lr", 0.001, "weight_decay", 0.5, "maximize", true), false, 4),
        new Case("rprop", Map.of("lr", 0.01), false, -1),
        new Case(
            "rprop",
            Map.of("lr", 0.01, "etas", List.of(0.3, 1.5), "step_sizes", List.of(0.005, 0.02)),
            false,
            4),
        new Case("rprop", Map.of("lr", 0.01, "maximize", true), false, -1));
  }

  /** Each optimizer whose update is one fused program replays, with each of its flags. */
  @ParameterizedTest
  @MethodSource("fusedOptimizers")
  void fusedOptimizerStepsReplayTheEagerStepsBitForBit(Case c) {
    assumeTrue(TestBackends.availableNames().contains("simd"), "simd backend on the path");
    assertEquals(
        1,
        trainBoth("simd", c.optimizer(), c.options(), c.changingRate(), c.restoreAt()),
        c.toString());
  }

  @Test
  void restoredOptimizerStateKeepsThePlanAndAFreshOneIsCapturedAgain() {
    assumeTrue(TestBackends.availableNames().contains("simd"), "simd backend on the path");
    assertEquals(1, trainBoth("simd", "adam", Map.of("lr", 0.05), false, 4));
  }

  @Test
  void markedUpdatesOfSeparateKernelsAreRefusedAndRunEagerly() {
    // LAMB's trust ratio takes two reductions per parameter: its update is not one fused program
    assertEquals(0, trainBoth(TestBackends.REFERENCE, "lamb", Map.of("lr", 0.01), false));
    assumeTrue(TestBackends.availableNames().contains("simd"), "simd backend on the path");
    assertEquals(0, trainBoth("simd", "lamb", Map.of("lr", 0.01), false));
  }

  @Test
  void theReferenceBackendReplaysFusedUpdatesBitForBit() {
    // its fused programs are the reference kernels' definition, element by element
    assertEquals(1, trainBoth(TestBackends.REFERENCE, "adam", Map.of("lr", 0.05), true));
    assertEquals(
        1,
        trainBoth(TestBackends.REFERENCE, "rmsprop", Map.of("lr", 0.01, "momentum", 0.9), false));
  }

  @Test
  void aMarkedUpdateThatIsNotFusedGivesTheReason() {
    try (ReplayBackend be = ReplayBackend.over(TestBackends.reference())) {
      Net net = Net.of(be, "lamb");
      net.step(be, batch(0), true);
      Object[] b1 = batch(1);
      try (Capture c = be.capture(b1)) {
        assertFalse(c.finish(net.step(be, b1, true)).isPresent());
        assertTrue(c.refusal().orElseThrow().contains("fused"), c.refusal().orElseThrow());
      }
    }
  }

  private static Object[] batch(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[BATCH * IN];
    float[] y = new float[BATCH * OUT];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = (float) r.nextGaussian();
    }
    return new Object[] {x, y};
  }

  @Test
  void sgdStepsReplayTheEagerTrainingBitForBit() {
    try (Backend eagerBackend = TestBackends.reference();
        ReplayBackend be = ReplayBackend.over(TestBackends.reference())) {
      Net eager = Net.of(eagerBackend, "sgd");
      Net replayed = Net.of(be, "sgd");
      Object[] b0 = batch(0);
      Plan first;
      try (Capture c = be.capture(b0)) {
        first = c.finish(replayed.step(be, b0)).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      Object[] b1 = batch(1);
      Plan plan;
      try (first;
          Capture c = be.recapture(first, b1)) {
        plan = c.finish(replayed.step(be, b1)).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      try (plan) {
        eager.step(eagerBackend, b0);
        eager.step(eagerBackend, b1);
        for (long step = 2; step <= 8; step++) {
          Object[] b = batch(step);
          float[] want = (float[]) eager.step(eagerBackend, b)[0];
          Object[] got = plan.newOutputs();
          plan.replay(b, got);
          assertArrayEquals(want, (float[]) got[0], "loss of step " + step);
        }
        for (String name : eager.params().keySet()) {
          assertArrayEquals(eager.values(name), replayed.values(name), name + " after 9 steps");
        }
      }
    }
  }

  @Test
  void adamStepsAreRefusedSinceTheirBiasCorrectionChangesEveryStep() {
    try (ReplayBackend be = ReplayBackend.over(TestBackends.reference())) {
      Net net = Net.of(be, "adam");
      net.step(be, batch(0)); // the moments are made in the first step and kept
      Object[] b1 = batch(1);
      Plan first;
      try (Capture c = be.capture(b1)) {
        first = c.finish(net.step(be, b1)).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      Object[] b2 = batch(2);
      try (first;
          Capture c = be.recapture(first, b2)) {
        Optional<Plan> plan = c.finish(net.step(be, b2));
        assertFalse(plan.isPresent(), "an Adam step must not be replayed as captured");
        assertTrue(c.refusal().orElseThrow().contains("per-step"), c.refusal().orElseThrow());
      }
    }
  }
}

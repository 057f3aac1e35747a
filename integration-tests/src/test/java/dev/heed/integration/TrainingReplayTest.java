package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
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
import org.junit.jupiter.api.Test;

/**
 * A whole training step (forward, MSE loss, backward, optimizer update) captured once and replayed:
 * with plain SGD at a constant learning rate the replayed run gives the eager run's losses and
 * parameters bit for bit on the reference backend. Adam is refused: its bias correction is a
 * per-step scalar of the update, which the comparison of two captured runs finds.
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
    @SuppressWarnings("try")
    Object[] step(Backend be, Object[] in) {
      float[] loss;
      try (Scope s = Scope.open()) {
        Tensor x = Tensors.of(be, F32, (float[]) in[0], BATCH, IN);
        Tensor y = Tensors.of(be, F32, (float[]) in[1], BATCH, OUT);
        Tensor l = Elementwise.sub(forward(x), y).square().mean();
        l.backward();
        optimizer.step();
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

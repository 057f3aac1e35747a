package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedElementwise;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A captured training step (a tanh MLP, MSE loss, backward, SGD) whose adjacent elementwise calls
 * the capture fused into programs of the backend's {@link FusedElementwise}, replayed on every
 * available backend next to the same training run eagerly: bit for bit on the reference backend,
 * which offers no fused evaluation and so replays the calls as recorded; within the float32
 * contract tolerance (1e-4 relative to max(1, |eager|)) on a backend that fuses, whose plan then
 * makes fewer calls than the step recorded.
 */
class FusedReplayTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int BATCH = 16;
  private static final int IN = 12;
  private static final int HIDDEN = 24;
  private static final int OUT = 12;

  private record Net(Backend backend, Map<String, Parameter> params, Optimizer optimizer) {
    static Net of(Backend be) {
      Map<String, Parameter> p = new LinkedHashMap<>();
      p.put("w1", param(be, 1, HIDDEN, IN));
      p.put("b1", param(be, 2, HIDDEN));
      p.put("w2", param(be, 3, OUT, HIDDEN));
      p.put("b2", param(be, 4, OUT));
      OptimizerProvider o = Plugins.shared().optimizers().get("sgd");
      return new Net(
          be,
          p,
          o.create(
              o.options().resolve("optimizer", Map.of("lr", 0.05)), List.of(ParameterGroup.of(p))));
    }

    private static Parameter param(Backend be, long seed, int... shape) {
      return new Parameter(
          Scope.outside(() -> Tensors.normal(be, Shape.of(shape), F32, 0, 0.5, seed)));
    }

    /** One step on inputs {@code in[0]} and targets {@code in[1]}; the loss and prediction out. */
    @SuppressWarnings("try")
    Object[] step(Object[] in) {
      float[] loss;
      float[] prediction;
      try (Scope s = Scope.open()) {
        Tensor x = Tensors.of(backend, F32, (float[]) in[0], BATCH, IN);
        Tensor y = Tensors.of(backend, F32, (float[]) in[1], BATCH, OUT);
        Tensor h = Linalg.linear(x, params.get("w1").value(), params.get("b1").value()).tanh();
        Tensor z = Linalg.linear(h, params.get("w2").value(), params.get("b2").value()).tanh();
        Tensor l = Elementwise.sub(z, y).square().mean();
        l.backward();
        optimizer.step();
        loss = l.toFloatArray();
        prediction = z.toFloatArray();
      }
      optimizer.zeroGrad();
      return new Object[] {loss, prediction};
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

  @TestFactory
  Stream<DynamicTest> aFusedTrainingStepReplaysTheEagerTraining() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String name : TestBackends.availableNames()) {
      tests.add(DynamicTest.dynamicTest(name, () -> check(name)));
    }
    return tests.stream();
  }

  private static void close(Net net) {
    for (Parameter p : net.params().values()) {
      p.value().close();
    }
  }

  private static void check(String name) {
    Backend raw = TestBackends.open(name);
    boolean exact = name.equals(TestBackends.REFERENCE);
    boolean fuses = raw.capability(FusedElementwise.class).map(f -> f.supports(F32)).orElse(false);
    try (ReplayBackend be = ReplayBackend.borrowing(raw)) {
      Net eager = Net.of(raw);
      Net replayed = Net.of(be);
      Object[] b0 = batch(0);
      Plan first;
      try (Capture c = be.capture(b0)) {
        first = c.finish(replayed.step(b0)).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      Object[] b1 = batch(1);
      Plan plan;
      try (first;
          Capture c = be.recapture(first, b1)) {
        plan = c.finish(replayed.step(b1)).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      try (plan) {
        if (fuses) {
          assertTrue(
              plan.size() < plan.recordedSize(),
              name + ": " + plan.size() + " calls of " + plan.recordedSize() + " recorded");
        } else {
          assertEquals(plan.recordedSize(), plan.size(), name + " has nothing to fuse with");
        }
        eager.step(b0);
        eager.step(b1);
        for (long step = 2; step <= 6; step++) {
          Object[] b = batch(step);
          Object[] want = eager.step(b);
          Object[] got = plan.newOutputs();
          plan.replay(b, got);
          for (int k = 0; k < want.length; k++) {
            same(
                exact,
                (float[]) want[k],
                (float[]) got[k],
                name + " output " + k + " step " + step);
          }
        }
        for (String p : eager.params().keySet()) {
          same(
              exact,
              eager.params().get(p).value().toFloatArray(),
              replayed.params().get(p).value().toFloatArray(),
              name + " " + p + " after 7 steps");
        }
      } finally {
        close(eager);
        close(replayed);
      }
    }
  }

  private static void same(boolean exact, float[] want, float[] got, String what) {
    if (exact) {
      assertArrayEquals(want, got, what);
      return;
    }
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      double tol = 1e-4 * Math.max(1, Math.abs(want[i]));
      assertTrue(
          Math.abs(want[i] - got[i]) <= tol,
          what + "[" + i + "]: eager " + want[i] + ", replayed " + got[i]);
    }
  }
}

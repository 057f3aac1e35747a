package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.nn.Parameter;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.plugin.ProviderInfo;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A training step on token ids (embedding, linear layer, cross-entropy with class-index targets,
 * backward, SGD) captured once and replayed with new {@code int[]} ids and targets: bit for bit the
 * eager training on the reference backend, within the float32 contract tolerance elsewhere; an id
 * or target out of range fails the replay before any kernel runs, leaving the parameters as they
 * were.
 */
class TokenTrainingReplayTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int B = 4;
  private static final int T = 5;
  private static final int VOCAB = 11;
  private static final int DIM = 6;
  private static final int CLASSES = 7;

  /** An embedding table, a linear classifier per token, SGD and cross-entropy, on {@code be}. */
  private record Net(Map<String, Parameter> params, Optimizer optimizer, Loss loss) {
    static Net of(Backend be) {
      Map<String, Parameter> p = new LinkedHashMap<>();
      p.put("table", param(be, 1, VOCAB, DIM));
      p.put("w", param(be, 2, CLASSES, DIM));
      p.put("b", param(be, 3, CLASSES));
      OptimizerProvider o = Plugins.shared().optimizers().get("sgd");
      LossProvider l = Plugins.shared().losses().get("cross-entropy");
      return new Net(
          p,
          o.create(
              o.options().resolve("optimizer", Map.of("lr", 0.1)), List.of(ParameterGroup.of(p))),
          l.create(l.options().resolve("loss", Map.of())));
    }

    private static Parameter param(Backend be, long seed, int... shape) {
      return new Parameter(
          Scope.outside(() -> Tensors.normal(be, Shape.of(shape), F32, 0, 0.5, seed)));
    }

    /**
     * One step on the ids {@code in[0]} ({@code [B, T]}) and the class of each token {@code in[1]}
     * ({@code [B·T]}), each uploaded with {@link Tensors#indices} from the declared array itself;
     * the loss out.
     */
    @SuppressWarnings("try")
    Object[] step(Backend be, Object[] in) {
      float[] value;
      try (Scope s = Scope.open()) {
        Tensor ids = Tensors.indices(be, (int[]) in[0], B, T);
        Tensor targets = Tensors.indices(be, (int[]) in[1], B * T);
        Tensor e =
            Shapes.reshape(NeuralOps.embedding(params.get("table").value(), ids), B * T, DIM);
        Tensor logits = Linalg.linear(e, params.get("w").value(), params.get("b").value());
        Tensor l = loss.compute(logits, targets);
        l.backward();
        optimizer.step();
        value = l.toFloatArray();
      }
      optimizer.zeroGrad();
      return new Object[] {value};
    }

    float[] values(String name) {
      return params.get(name).value().toFloatArray();
    }
  }

  private static Object[] batch(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] ids = new int[B * T];
    int[] targets = new int[B * T];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = r.nextInt(VOCAB);
      targets[i] = r.nextInt(CLASSES);
    }
    return new Object[] {ids, targets};
  }

  /** The plan of the replayed net's step, captured on batches 0 and 1. */
  private static Plan capture(ReplayBackend be, Net net) {
    Object[] b0 = batch(0);
    Plan first;
    try (Capture c = be.capture(b0)) {
      first = c.finish(net.step(be, b0)).orElseThrow(() -> new AssertionError(c.refusal()));
    }
    Object[] b1 = batch(1);
    try (first;
        Capture c = be.recapture(first, b1)) {
      return c.finish(net.step(be, b1)).orElseThrow(() -> new AssertionError(c.refusal()));
    }
  }

  @TestFactory
  Stream<DynamicTest> stepsOnTokenIdsReplayTheEagerTraining() {
    List<DynamicTest> tests = new ArrayList<>();
    for (ProviderInfo info : Plugins.shared().backends().infos()) {
      if (info.availability().isAvailable()) {
        tests.add(DynamicTest.dynamicTest(info.name(), () -> train(info.name())));
      }
    }
    return tests.stream();
  }

  private static void train(String name) {
    boolean exact = name.equals(TestBackends.REFERENCE);
    Backend raw = TestBackends.open(name);
    try (ReplayBackend be = ReplayBackend.borrowing(raw)) {
      Net eager = Net.of(raw);
      Net replayed = Net.of(be);
      try (Plan plan = capture(be, replayed)) {
        eager.step(raw, batch(0));
        eager.step(raw, batch(1));
        for (long step = 2; step <= 8; step++) {
          Object[] b = batch(step);
          float[] want = (float[]) eager.step(raw, b)[0];
          Object[] got = plan.newOutputs();
          plan.replay(b, got);
          assertClose(exact, want, (float[]) got[0], name + ", loss of step " + step);
        }
      }
      for (String p : eager.params().keySet()) {
        assertClose(exact, eager.values(p), replayed.values(p), name + ", " + p + " after 9 steps");
      }
    }
  }

  private static void assertClose(boolean exact, float[] want, float[] got, String what) {
    if (exact) {
      assertArrayEquals(want, got, what);
      return;
    }
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < got.length; i++) {
      double tol = 1e-4 * Math.max(1, Math.abs(want[i]));
      assertTrue(
          Math.abs(want[i] - got[i]) <= tol,
          what + ", element " + i + ": " + got[i] + " vs " + want);
    }
  }

  @Test
  void anIdOrTargetOutOfRangeFailsTheReplayBeforeAnyKernelRuns() {
    Backend raw = TestBackends.reference();
    try (ReplayBackend be = ReplayBackend.borrowing(raw)) {
      Net eager = Net.of(raw);
      Net replayed = Net.of(be);
      try (Plan plan = capture(be, replayed)) {
        eager.step(raw, batch(0));
        eager.step(raw, batch(1));
        Map<String, float[]> before = new LinkedHashMap<>();
        for (String p : replayed.params().keySet()) {
          before.put(p, replayed.values(p));
        }
        Object[] badId = batch(2);
        ((int[]) badId[0])[13] = VOCAB;
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class, () -> plan.replay(badId, plan.newOutputs()));
        assertEquals(
            "gather: index 11 at position 13 of input 0 (int[20]) is outside the valid range"
                + " [0, 11); the plan ran nothing",
            e.getMessage());
        Object[] badTarget = batch(2);
        ((int[]) badTarget[1])[19] = -3;
        e =
            assertThrows(
                IllegalArgumentException.class, () -> plan.replay(badTarget, plan.newOutputs()));
        assertEquals(
            "gather: index -3 at position 19 of input 1 (int[20]) is outside the valid range"
                + " [0, 7); the plan ran nothing",
            e.getMessage());
        for (String p : before.keySet()) {
          assertArrayEquals(
              before.get(p), replayed.values(p), p + " unchanged by the failed replays");
        }
        // the training goes on from where it was, as the eager one does
        Object[] b = batch(2);
        float[] want = (float[]) eager.step(raw, b)[0];
        Object[] got = plan.newOutputs();
        plan.replay(b, got);
        assertArrayEquals(want, (float[]) got[0]);
        for (String p : eager.params().keySet()) {
          assertArrayEquals(eager.values(p), replayed.values(p), p);
        }
      }
    }
  }
}

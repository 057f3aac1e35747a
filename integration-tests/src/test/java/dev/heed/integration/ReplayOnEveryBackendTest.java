package dev.heed.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.plugin.ProviderInfo;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A captured transformer encoder forward pass (packed projection, self-attention, layer norms, a
 * ReLU feed-forward) replayed on every available backend, with that backend's fused capabilities
 * recorded: bit for bit the eager results on the reference backend, within the float32 contract
 * tolerance (1e-4 relative to max(1, |eager|)) elsewhere.
 */
class ReplayOnEveryBackendTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int B = 2;
  private static final int T = 6;
  private static final int D = 16;
  private static final int H = 2;
  private static final int FF = 32;

  @TestFactory
  Stream<DynamicTest> encoderForwardReplaysTheEagerResults() {
    List<DynamicTest> tests = new ArrayList<>();
    for (ProviderInfo info : Plugins.shared().backends().infos()) {
      if (info.availability().isAvailable()) {
        tests.add(DynamicTest.dynamicTest(info.name(), () -> check(info.name())));
      }
    }
    return tests.stream();
  }

  private static Tensor param(Backend b, long seed, int... shape) {
    return Scope.outside(() -> Tensors.normal(b, Shape.of(shape), F32, 0, 0.3, seed));
  }

  private static float[] data(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[B * T * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  @SuppressWarnings("try")
  private static void check(String name) {
    boolean exact = name.equals(TestBackends.REFERENCE);
    try (Backend raw = TestBackends.open(name);
        ReplayBackend be = ReplayBackend.borrowing(raw)) {
      Tensor wqkv = param(be, 1, 3 * D, D);
      Tensor bqkv = param(be, 2, 3 * D);
      Tensor wo = param(be, 3, D, D);
      Tensor w1 = param(be, 4, FF, D);
      Tensor b1 = param(be, 5, FF);
      Tensor w2 = param(be, 6, D, FF);
      Tensor g1 = param(be, 7, D);
      Tensor g2 = param(be, 8, D);
      Function<float[], float[]> step =
          x -> {
            try (GradMode off = GradMode.disable();
                Scope s = Scope.open()) {
              Tensor in = Tensors.of(be, F32, x, B, T, D);
              Tensor a =
                  AttentionOps.selfAttention(
                          Linalg.linear(in, wqkv, bqkv), H, 1 / Math.sqrt(D / H), 0, false, 0)
                      .output();
              Tensor h = AttentionOps.layerNorm(in.add(Linalg.linear(a, wo, null)), g1, null, 1e-5);
              Tensor f = Linalg.linear(Elementwise.relu(Linalg.linear(h, w1, b1)), w2, null);
              return AttentionOps.layerNorm(h.add(f), g2, null, 1e-5).toFloatArray();
            }
          };
      float[] first = data(1);
      Plan plan;
      try (Capture c = be.capture((Object) first)) {
        float[] out = step.apply(first);
        plan = c.finish((Object) out).orElseThrow(() -> new AssertionError(c.refusal()));
      }
      try (plan) {
        for (long seed = 1; seed <= 3; seed++) {
          float[] x = data(seed);
          float[] eager = step.apply(x);
          Object[] out = plan.newOutputs();
          plan.replay(new Object[] {x}, out);
          float[] got = (float[]) out[0];
          if (exact) {
            assertArrayEquals(eager, got, name + ", input " + seed);
          } else {
            assertEquals(eager.length, got.length);
            for (int i = 0; i < got.length; i++) {
              double tol = 1e-4 * Math.max(1, Math.abs(eager[i]));
              assertTrue(
                  Math.abs(eager[i] - got[i]) <= tol,
                  name + ", input " + seed + ", element " + i + ": " + got[i] + " vs " + eager[i]);
            }
          }
        }
      }
      for (Tensor p : List.of(wqkv, bqkv, wo, w1, b1, w2, g1, g2)) {
        p.close();
      }
    }
  }
}

package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Training on the simd backend follows the reference backend's loss curve: the seed network (10 →
 * 10 tanh → 5, MSE, SGD) and a small self-attention block (projection, fused attention, fused layer
 * norm, MSE, SGD), the same initial weights and data on both, step by step.
 */
@SuppressWarnings("try")
class TrainingCurvesTest {
  private static final DType F32 = DType.FLOAT32;

  private static Tensor param(Backend b, long seed, int... dims) {
    return Scope.outside(() -> Tensors.uniform(b, Shape.of(dims), F32, -0.5, 0.5, seed))
        .requiresGrad(true);
  }

  private static Tensor data(Backend b, long seed, int... dims) {
    return Scope.outside(() -> Tensors.normal(b, Shape.of(dims), F32, 0, 1, seed));
  }

  private static void sgd(List<Tensor> params, double lr) {
    try (GradMode off = GradMode.disable()) {
      for (Tensor p : params) {
        Elementwise.applyInPlace(BinaryOp.SUB, p, p.grad().mul(lr));
        p.clearGrad();
      }
    }
  }

  private static double[] seedCurve(Backend b, int steps) {
    Tensor w1 = param(b, 1, 10, 10);
    Tensor b1 = param(b, 2, 10);
    Tensor w2 = param(b, 3, 5, 10);
    Tensor b2 = param(b, 4, 5);
    Tensor x = data(b, 5, 32, 10);
    Tensor y = data(b, 6, 32, 5);
    double[] losses = new double[steps];
    for (int s = 0; s < steps; s++) {
      try (Scope scope = Scope.open()) {
        Tensor h = Elementwise.tanh(Linalg.linear(x, w1, b1));
        Tensor loss = Elementwise.sub(Linalg.linear(h, w2, b2), y).square().mean();
        loss.backward();
        losses[s] = loss.item();
        sgd(List.of(w1, b1, w2, b2), 0.1);
      }
    }
    for (Tensor t : List.of(w1, b1, w2, b2, x, y)) {
      t.close();
    }
    return losses;
  }

  private static double[] attentionCurve(Backend b, int steps) {
    int d = 16;
    Tensor wq = param(b, 11, d, d);
    Tensor wk = param(b, 12, d, d);
    Tensor wv = param(b, 13, d, d);
    Tensor gamma = Scope.outside(() -> Tensors.ones(b, Shape.of(d), F32)).requiresGrad(true);
    Tensor beta = Scope.outside(() -> Tensors.zeros(b, Shape.of(d), F32)).requiresGrad(true);
    Tensor x = data(b, 14, 4, 9, d);
    Tensor y = data(b, 15, 4, 9, d);
    double[] losses = new double[steps];
    for (int s = 0; s < steps; s++) {
      try (Scope scope = Scope.open()) {
        Tensor q = Linalg.linear(x, wq, null);
        Tensor k = Linalg.linear(x, wk, null);
        Tensor v = Linalg.linear(x, wv, null);
        Tensor a = AttentionOps.scaledDotProduct(q, k, v, null, 0.25, 0, true, 0).output().add(x);
        Tensor out = AttentionOps.layerNorm(a, gamma, beta, 1e-5);
        Tensor loss = Elementwise.sub(out, y).square().mean();
        loss.backward();
        losses[s] = loss.item();
        sgd(List.of(wq, wk, wv, gamma, beta), 0.2);
      }
    }
    for (Tensor t : List.of(wq, wk, wv, gamma, beta, x, y)) {
      t.close();
    }
    return losses;
  }

  private static void assertSameCurve(String what, double[] actual, double[] expected) {
    assertEquals(expected.length, actual.length);
    assertTrue(expected[expected.length - 1] < expected[0], what + ": the loss must fall");
    for (int i = 0; i < expected.length; i++) {
      assertTrue(
          Math.abs(actual[i] - expected[i]) <= 1e-4 * Math.abs(expected[i]) + 1e-6,
          what + " step " + i + ": reference loss " + expected[i] + ", simd " + actual[i]);
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void seedNetworkLossCurveMatchesTheReference(int threads) {
    assertSameCurve(
        "seed network",
        seedCurve(SimdBackends.withThreads(threads), 60),
        seedCurve(TestBackends.reference(), 60));
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void attentionBlockLossCurveMatchesTheReference(int threads) {
    assertSameCurve(
        "attention block",
        attentionCurve(SimdBackends.withThreads(threads), 40),
        attentionCurve(TestBackends.reference(), 40));
  }
}

package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A training run on the simd backend is repeatable: the same initial weights and data give the same
 * losses and final weights bit for bit, although the first run starts with the kernels interpreted
 * (when this class runs in a fresh JVM) and the JIT compiles them during it, while the second runs
 * compiled throughout. Two networks: the seed network (10 → 10 tanh → 5, MSE, SGD) and a small
 * classifier (linear, layer norm, sigmoid, a ten-class linear layer, log-softmax cross-entropy with
 * an entropy term through softmax and log, SGD), which between them reach every kernel built on
 * {@link VecMath}.
 */
@SuppressWarnings("try")
class RepeatableTrainingTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int STEPS = 300;

  private static float[] random(long seed, int n, double scale) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  private static Tensor param(Backend b, float[] values, int... dims) {
    return Scope.outside(() -> Tensors.of(b, F32, values, dims)).requiresGrad(true);
  }

  private static Tensor constant(Backend b, float[] values, int... dims) {
    return Scope.outside(() -> Tensors.of(b, F32, values, dims));
  }

  private static void sgd(List<Tensor> params, double lr) {
    try (GradMode off = GradMode.disable()) {
      for (Tensor p : params) {
        Elementwise.applyInPlace(BinaryOp.SUB, p, p.grad().mul(lr));
        p.clearGrad();
      }
    }
  }

  /** One run's losses, then its final weights, as float bits. */
  private record Run(List<Long> bits) {}

  private static Run finish(double[] losses, List<Tensor> params, List<Tensor> others) {
    List<Long> bits = new ArrayList<>();
    for (double l : losses) {
      bits.add(Double.doubleToLongBits(l));
    }
    for (Tensor p : params) {
      for (float v : p.toFloatArray()) {
        bits.add((long) Float.floatToIntBits(v));
      }
    }
    for (Tensor t : params) {
      t.close();
    }
    for (Tensor t : others) {
      t.close();
    }
    return new Run(bits);
  }

  private static Run seedNetwork(Backend b) {
    Tensor w1 = param(b, random(1, 100, 0.5), 10, 10);
    Tensor b1 = param(b, random(2, 10, 0.5), 10);
    Tensor w2 = param(b, random(3, 50, 0.5), 5, 10);
    Tensor b2 = param(b, random(4, 5, 0.5), 5);
    Tensor x = constant(b, random(5, 320, 1), 32, 10);
    Tensor y = constant(b, random(6, 160, 1), 32, 5);
    List<Tensor> params = List.of(w1, b1, w2, b2);
    double[] losses = new double[STEPS];
    for (int s = 0; s < STEPS; s++) {
      try (Scope scope = Scope.open()) {
        Tensor h = Elementwise.tanh(Linalg.linear(x, w1, b1));
        Tensor loss = Elementwise.sub(Linalg.linear(h, w2, b2), y).square().mean();
        loss.backward();
        losses[s] = loss.item();
        sgd(params, 0.1);
      }
    }
    return finish(losses, params, List.of(x, y));
  }

  private static Run classifier(Backend b) {
    int batch = 64;
    int in = 24;
    int hidden = 40;
    int classes = 10;
    Tensor w1 = param(b, random(11, hidden * in, 0.3), hidden, in);
    Tensor b1 = param(b, random(12, hidden, 0.1), hidden);
    Tensor gamma = param(b, random(13, hidden, 0.1), hidden);
    Tensor beta = param(b, random(14, hidden, 0.1), hidden);
    Tensor w2 = param(b, random(15, classes * hidden, 0.3), classes, hidden);
    Tensor b2 = param(b, random(16, classes, 0.1), classes);
    Tensor x = constant(b, random(17, batch * in, 2), batch, in);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = (i * 7 + 3) % classes;
    }
    Tensor target =
        Scope.outside(() -> NeuralOps.oneHot(Tensors.indices(b, labels, batch), classes, F32));
    List<Tensor> params = List.of(w1, b1, gamma, beta, w2, b2);
    double[] losses = new double[STEPS];
    for (int s = 0; s < STEPS; s++) {
      try (Scope scope = Scope.open()) {
        Tensor h = Linalg.linear(x, w1, b1);
        h = Elementwise.sigmoid(AttentionOps.layerNorm(h, gamma.add(1), beta, 1e-5));
        Tensor z = Linalg.linear(h, w2, b2);
        Tensor crossEntropy =
            Reductions.sum(Elementwise.mul(target, NeuralOps.logSoftmax(z, 1)), 1, false)
                .mean()
                .neg();
        Tensor p = NeuralOps.softmax(z, 1);
        Tensor negEntropy = Reductions.sum(Elementwise.mul(p, Elementwise.log(p)), 1, false).mean();
        Tensor loss = crossEntropy.add(negEntropy.mul(0.01));
        loss.backward();
        losses[s] = loss.item();
        sgd(params, 0.5);
      }
    }
    return finish(losses, params, List.of(x, target));
  }

  private static void assertRepeats(String what, Run first, Run second) {
    assertEquals(first.bits().size(), second.bits().size());
    for (int i = 0; i < first.bits().size(); i++) {
      assertEquals(
          first.bits().get(i),
          second.bits().get(i),
          what
              + ": the second run differs from the first at "
              + (i < STEPS ? "the loss of step " + i : "weight value " + (i - STEPS)));
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void seedNetworkTrainsTheSameTwice(int threads) {
    Backend b = SimdBackends.withThreads(threads);
    Run first = seedNetwork(b);
    assertRepeats("seed network", first, seedNetwork(b));
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void classifierTrainsTheSameTwice(int threads) {
    Backend b = SimdBackends.withThreads(threads);
    Run first = classifier(b);
    assertRepeats("classifier", first, classifier(b));
  }
}

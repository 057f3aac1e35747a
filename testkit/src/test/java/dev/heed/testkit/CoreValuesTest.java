package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** Values of core operations that the gradient checks do not pin down. */
@SuppressWarnings("try")
class CoreValuesTest {
  private final Backend ref = TestBackends.reference();

  @Test
  void softmaxRowsSumToOne() {
    try (Scope s = Scope.open()) {
      for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
        Tensor x = Tensors.normal(ref, dev.heed.core.tensor.Shape.of(4, 9), t, 0, 3, 5);
        double[] sums = Reductions.sum(NeuralOps.softmax(x, 1), 1, false).toDoubleArray();
        for (double v : sums) {
          assertEquals(1.0, v, t == DType.FLOAT32 ? 1e-6 : 1e-14);
        }
      }
    }
  }

  @Test
  void logSoftmaxOfLargeValuesIsFinite() {
    try (Scope s = Scope.open()) {
      for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
        double[] y =
            NeuralOps.logSoftmax(Tensors.of(ref, t, new double[] {1000, 0}, 1, 2), 1)
                .toDoubleArray();
        assertArrayEquals(new double[] {0, -1000}, y, 1e-3);
      }
    }
  }

  @Test
  void crossEntropyOfKnownLogits() {
    LossProvider p = Plugins.shared().losses().get("cross-entropy");
    Loss ce = p.create(p.options().defaults("loss 'cross-entropy'"));
    try (Scope s = Scope.open()) {
      Tensor logits = Tensors.of(ref, DType.FLOAT64, new double[] {1, 2, 3, 0.5, 0.5, -1}, 2, 3);
      Tensor labels = Tensors.indices(ref, new int[] {2, 0}, 2);
      // -log softmax: row 1 at class 2: log(e^1 + e^2 + e^3) - 3; row 2 at class 0
      double row1 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
      double row2 = Math.log(2 * Math.exp(0.5) + Math.exp(-1)) - 0.5;
      assertEquals(0.40760596444438, row1, 1e-12);
      assertEquals((row1 + row2) / 2, ce.compute(logits, labels).item(), 1e-12);
      Tensor oneHot = NeuralOps.oneHot(labels, 3, DType.FLOAT64);
      assertEquals((row1 + row2) / 2, ce.compute(logits, oneHot).item(), 1e-12);
    }
  }

  @Test
  void broadcastErrorNamesTheOperationAndShapes() {
    try (Scope s = Scope.open()) {
      Tensor a = Tensors.zeros(ref, dev.heed.core.tensor.Shape.of(3, 4), DType.FLOAT32);
      Tensor b = Tensors.zeros(ref, dev.heed.core.tensor.Shape.of(5), DType.FLOAT32);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
      assertTrue(e.getMessage().startsWith("add:"), e.getMessage());
      assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
      assertTrue(e.getMessage().contains("[5]"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> a.mul(b));
      assertTrue(e.getMessage().startsWith("mul:"), e.getMessage());
    }
  }

  @Test
  void scopeReleasesItsTensorsButKeepsWhatIsKept() {
    Tensor inner;
    Tensor kept;
    Tensor outer;
    try (Scope s = Scope.open()) {
      outer = Tensors.ones(ref, dev.heed.core.tensor.Shape.of(2), DType.FLOAT32);
      try (Scope step = Scope.open()) {
        inner = outer.mul(2.0);
        kept = step.keep(outer.add(1.0));
        assertEquals(2, step.size() + 1);
      }
      assertTrue(inner.isClosed());
      assertFalse(kept.isClosed());
      assertArrayEquals(new double[] {2, 2}, kept.toDoubleArray());
      assertThrows(IllegalStateException.class, inner::toDoubleArray);
    }
    assertTrue(kept.isClosed(), "kept tensors move to the enclosing scope");
    assertTrue(outer.isClosed());
  }

  @Test
  void fanOutAccumulatesGradients() {
    try (Scope s = Scope.open()) {
      Tensor x = Tensors.of(ref, DType.FLOAT64, new double[] {0.5, -1}, 2).requiresGrad(true);
      Tensor e = x.exp();
      // f = e·e + e (e used three times), df/dx = 2e² + e
      Reductions.sum(e.mul(e).add(e)).backward();
      double[] g = x.grad().toDoubleArray();
      for (int i = 0; i < 2; i++) {
        double ex = Math.exp(x.toDoubleArray()[i]);
        assertEquals(2 * ex * ex + ex, g[i], 1e-12);
      }
      // a second backward adds to the leaf's gradient
      Reductions.sum(x.mul(3.0)).backward();
      assertEquals(g[0] + 3, x.grad().toDoubleArray()[0], 1e-12);
    }
  }

  @Test
  void emptyTensorsFlowThroughOperations() {
    try (Scope s = Scope.open()) {
      Tensor a = Tensors.zeros(ref, dev.heed.core.tensor.Shape.of(2, 0, 3), DType.FLOAT32);
      Tensor b = Tensors.ones(ref, dev.heed.core.tensor.Shape.of(2, 3, 4), DType.FLOAT32);
      assertEquals(dev.heed.core.tensor.Shape.of(2, 0, 4), a.matmul(b).shape());
      Tensor e = Tensors.zeros(ref, dev.heed.core.tensor.Shape.of(4, 0), DType.FLOAT32);
      assertEquals(0, dev.heed.core.tensor.Shapes.copy(e).add(e).size());
      assertEquals(0, dev.heed.core.tensor.Shapes.transpose(e, 0, 1).size());
    }
  }
}

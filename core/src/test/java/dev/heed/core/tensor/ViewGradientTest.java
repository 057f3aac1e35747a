package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradients through chains of views and through writes into views, against finite differences. */
class ViewGradientTest {
  private final TestBackends.Reference be = TestBackends.reference();

  @Test
  void chainsOfViews() {
    NumericGradient.check(
        be,
        List.of(NumericGradient.values(24, 1), NumericGradient.values(8, 2)),
        List.of(Shape.of(2, 3, 4), Shape.of(4, 2)),
        in -> {
          Tensor x = in.get(0);
          Tensor w = in.get(1);
          Tensor v = Shapes.slice(Shapes.permute(x, 2, 0, 1), 1, 1, 2); // [4, 1, 3]
          Tensor r = Shapes.reshape(Shapes.squeeze(v, 1), 2, 2, 3); // split a strided dimension
          Tensor t = Shapes.transpose(r, 1, 2); // [2, 3, 2]
          Tensor m = Linalg.matmul(t, Shapes.transpose(w, 0, 1)); // [2, 3, 4]
          Tensor e = Shapes.expand(Shapes.unsqueeze(Shapes.select(x, 1, 2), 1), Shape.of(2, 3, 4));
          return Reductions.sum(Elementwise.tanh(m).mul(e));
        });
  }

  @Test
  void reductionsAndSoftmaxOverStridedViews() {
    NumericGradient.check(
        be,
        List.of(NumericGradient.values(30, 3)),
        List.of(Shape.of(5, 6)),
        in -> {
          Tensor t = Shapes.narrow(Shapes.transpose(in.get(0), 0, 1), 0, 1, 4); // [4, 5]
          Tensor s = NeuralOps.softmax(t, 0);
          Tensor l = NeuralOps.logSoftmax(t, 1);
          return Reductions.sum(s.mul(l)).add(Reductions.max(t, 1, false).sum());
        });
  }

  @Test
  void aWriteIntoAViewSendsTheGradientToTheSourceAndTheRestToTheEarlierValue() {
    // y = 2x; y[:, 1:3] = tanh(z); loss = Σ y·w, as PyTorch records copy_ into a view
    double[] w = NumericGradient.values(12, 7);
    NumericGradient.check(
        be,
        List.of(NumericGradient.values(12, 5), NumericGradient.values(6, 6)),
        List.of(Shape.of(3, 4), Shape.of(3, 2)),
        in -> {
          Tensor y = in.get(0).mul(2);
          Tensor before = Shapes.select(y, 1, 0); // a view made before the write
          Elementwise.assign(Shapes.slice(y, 1, 1, 3), Elementwise.tanh(in.get(1)));
          Tensor weights = Tensors.of(be, DType.FLOAT64, w, 3, 4);
          return Reductions.sum(y.mul(weights)).add(Reductions.sum(before.square()));
        });
  }

  @Test
  void aWriteIntoAZeroTensorMakesItRequireAGradient() {
    NumericGradient.check(
        be,
        List.of(NumericGradient.values(4, 8)),
        List.of(Shape.of(4)),
        in -> {
          Tensor buffer = Tensors.zeros(be, Shape.of(3, 4), DType.FLOAT64);
          Tensor row = Shapes.select(buffer, 0, 1);
          Elementwise.assign(row, in.get(0).exp());
          assertTrue(!GradMode.isEnabled() || buffer.requiresGrad());
          return Reductions.sum(buffer.square()).add(Reductions.sum(row));
        });
  }

  @Test
  @SuppressWarnings("try")
  void aWriteIntoALeafThatRequiresAGradientIsRefused() {
    Tensor x = Tensors.zeros(be, Shape.of(2, 2), DType.FLOAT64).requiresGrad(true);
    Tensor one = Tensors.ones(be, Shape.of(2), DType.FLOAT64);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Elementwise.assign(Shapes.select(x, 0, 0), one));
    assertTrue(e.getMessage().contains("a view of a leaf tensor"), e.getMessage());
    try (GradMode off = GradMode.disable()) {
      Elementwise.assign(Shapes.select(x, 0, 0), one); // an update outside the tape is fine
    }
    assertArrayEquals(new double[] {1, 1, 0, 0}, x.toDoubleArray(), 0.0);
  }
}

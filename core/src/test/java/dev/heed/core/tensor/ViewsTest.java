package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** View operations share storage, see each other's writes, and every operation reads them right. */
class ViewsTest {
  private final TestBackends.Reference be = TestBackends.reference();

  /** {@code [2, 3, 4]} holding 0 … 23. */
  private Tensor iota(int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return Tensors.of(be, DType.FLOAT64, v, shape);
  }

  @Test
  void viewOperationsShareStorageAndCostNoKernel() {
    Tensor x = iota(2, 3, 4);
    List<Tensor> views =
        List.of(
            Shapes.permute(x, 2, 0, 1),
            Shapes.transpose(x, 0, 2),
            Shapes.slice(x, 1, 1, 3),
            Shapes.select(x, 2, 3),
            Shapes.unsqueeze(x, 1),
            Shapes.squeeze(Shapes.unsqueeze(x, 0), 0),
            Shapes.reshape(x, 6, 4),
            Shapes.expand(Shapes.slice(x, 0, 0, 1), Shape.of(5, 3, 4)),
            Shapes.narrow(x, 2, 1, 2));
    for (Tensor v : views) {
      assertTrue(v.sharesStorage(x), v.shape() + " shares the storage");
    }
    assertArrayEquals(
        new double[] {3, 7, 11, 15, 19, 23}, Shapes.select(x, 2, 3).toDoubleArray(), 0.0);
    assertArrayEquals(
        new double[] {4, 5, 6, 7, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23},
        Shapes.slice(x, 1, 1, 3).toDoubleArray(),
        0.0);
    Tensor t = Shapes.transpose(iota(2, 3), 0, 1);
    assertFalse(t.isContiguous());
    assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, t.toDoubleArray(), 0.0);
    assertEquals(List.of(3, 2), List.of(t.dim(0), t.dim(1)));
  }

  @Test
  void aWriteThroughAViewIsSeenByTheBaseAndTheOtherViews() {
    Tensor x = iota(3, 4);
    Tensor column = Shapes.select(x, 1, 2); // x[:, 2]
    Tensor transposed = Shapes.transpose(x, 0, 1);
    Tensor row = Shapes.select(x, 0, 1);
    int before = x.version();
    Elementwise.assign(column, Tensors.of(be, DType.FLOAT64, new double[] {-1, -2, -3}, 3));
    assertTrue(x.version() > before, "a write raises the storage's version");
    assertArrayEquals(
        new double[] {0, 1, -1, 3, 4, 5, -2, 7, 8, 9, -3, 11}, x.toDoubleArray(), 0.0);
    assertArrayEquals(new double[] {4, 5, -2, 7}, row.toDoubleArray(), 0.0);
    assertArrayEquals(new double[] {-1, -2, -3}, Shapes.select(transposed, 0, 2).toDoubleArray());
    Elementwise.fill(Shapes.slice(transposed, 0, 0, 1), 9); // x[:, 0] = 9
    assertArrayEquals(new double[] {9, 5, -2, 7}, row.toDoubleArray(), 0.0);
    Elementwise.applyInPlace(BinaryOp.MUL, row, Tensors.scalar(be, DType.FLOAT64, 10));
    assertArrayEquals(
        new double[] {9, 1, -1, 3, 90, 50, -20, 70, 9, 9, -3, 11}, x.toDoubleArray(), 0.0);
    Elementwise.applyInPlace(UnaryOp.NEG, 0, 0, transposed);
    assertEquals(-70, x.toDoubleArray()[7], 0.0);
  }

  @Test
  void reshapeIsAViewWhereTheStridesAllowAndACopyOtherwise() {
    Tensor x = iota(2, 3, 4);
    Tensor p = Shapes.permute(x, 1, 0, 2); // [3, 2, 4]: the last dimension stays contiguous
    Tensor split = Shapes.reshape(p, 3, 2, 2, 2);
    assertTrue(split.sharesStorage(x), "splitting a dimension is always a view");
    Tensor merged = Shapes.reshape(p, 6, 4);
    assertFalse(merged.sharesStorage(x), "merging dimensions that are not adjacent copies");
    assertArrayEquals(
        Shapes.copy(p).toDoubleArray(), merged.toDoubleArray(), 0.0, "same elements, in order");
    Tensor t = Shapes.transpose(iota(4, 6), 0, 1);
    assertNotSame(t, t.contiguous());
    Tensor c = iota(4, 6);
    assertSame(c, c.contiguous());
    assertThrows(IllegalArgumentException.class, () -> Shapes.reshape(x, 5, 5));
  }

  @Test
  void operationsOnViewsEqualTheSameOperationsOnContiguousCopies() {
    Tensor x = Tensors.normal(be, Shape.of(3, 4, 5), DType.FLOAT64, 0, 1, 7);
    Tensor y = Tensors.normal(be, Shape.of(5, 3), DType.FLOAT64, 0, 1, 8);
    Tensor v = Shapes.slice(Shapes.permute(x, 2, 0, 1), 1, 1, 3); // [5, 2, 4], strided, offset
    Tensor vc = Shapes.copy(v);
    assertFalse(v.isContiguous());
    assertTrue(vc.isContiguous());
    assertSame(v.dtype(), vc.dtype());
    same(Elementwise.tanh(v), Elementwise.tanh(vc));
    same(Elementwise.mul(v, Shapes.select(v, 0, 1)), Elementwise.mul(vc, Shapes.select(vc, 0, 1)));
    for (int axis = 0; axis < 3; axis++) {
      same(Reductions.sum(v, axis, false), Reductions.sum(vc, axis, false));
      same(Reductions.max(v, axis, true), Reductions.max(vc, axis, true));
      same(NeuralOps.softmax(v, axis), NeuralOps.softmax(vc, axis));
      same(NeuralOps.logSoftmax(v, axis), NeuralOps.logSoftmax(vc, axis));
    }
    same(Reductions.sum(v), Reductions.sum(vc));
    Tensor yt = Shapes.transpose(y, 0, 1); // [3, 5], a transposed view
    same(
        Linalg.matmul(yt, Shapes.select(v, 1, 0)),
        Linalg.matmul(Shapes.copy(yt), Shapes.select(vc, 1, 0)));
    // batched, with the batch dimensions of a permuted view that do not merge
    Tensor q =
        Shapes.permute(
            Tensors.normal(be, Shape.of(2, 5, 3, 4), DType.FLOAT64, 0, 1, 9), 0, 2, 1, 3);
    Tensor k =
        Shapes.permute(
            Tensors.normal(be, Shape.of(2, 6, 3, 4), DType.FLOAT64, 0, 1, 10), 0, 2, 1, 3);
    same(
        Linalg.matmul(q, k, false, true),
        Linalg.matmul(Shapes.copy(q), Shapes.copy(k), false, true));
    Tensor table =
        Shapes.transpose(Tensors.normal(be, Shape.of(4, 7), DType.FLOAT64, 0, 1, 11), 0, 1);
    Tensor idx = Tensors.indices(be, new int[] {6, 0, 3, 3}, 4);
    same(NeuralOps.embedding(table, idx), NeuralOps.embedding(Shapes.copy(table), idx));
    same(Shapes.concat(1, List.of(v, vc)), Shapes.concat(1, List.of(vc, vc)));
  }

  private static void same(Tensor a, Tensor b) {
    assertEquals(a.shape(), b.shape());
    assertArrayEquals(b.toDoubleArray(), a.toDoubleArray(), 1e-12, a.shape().toString());
  }

  @Test
  void reshapesOfRandomViewsReadTheElementsInOrder() {
    java.util.Random r = new java.util.Random(3);
    for (int trial = 0; trial < 300; trial++) {
      int rank = 1 + r.nextInt(4);
      int[] dims = new int[rank];
      for (int k = 0; k < rank; k++) {
        dims[k] = 1 + r.nextInt(4);
      }
      Tensor x = iota(dims);
      // a random view: a permutation, then maybe a slice
      int[] perm = new int[rank];
      for (int k = 0; k < rank; k++) {
        perm[k] = k;
      }
      for (int k = rank - 1; k > 0; k--) {
        int j = r.nextInt(k + 1);
        int t = perm[k];
        perm[k] = perm[j];
        perm[j] = t;
      }
      Tensor v = Shapes.permute(x, perm);
      int axis = r.nextInt(rank);
      if (v.dim(axis) > 1 && r.nextBoolean()) {
        v = Shapes.slice(v, axis, 1, v.dim(axis));
      }
      double[] expected = Shapes.copy(v).toDoubleArray();
      int n = expected.length;
      // a random target shape of the same size: split n into factors
      java.util.List<Integer> target = new java.util.ArrayList<>();
      int left = n;
      while (left > 1) {
        int f = 1;
        for (int d = 2; d <= left; d++) {
          if (left % d == 0 && r.nextInt(3) == 0) {
            f = d;
            break;
          }
        }
        if (f == 1) {
          f = left;
        }
        target.add(f);
        left /= f;
        if (r.nextInt(4) == 0) {
          target.add(1);
        }
      }
      int[] to = target.stream().mapToInt(Integer::intValue).toArray();
      Tensor reshaped = Shapes.reshape(v, to);
      assertArrayEquals(
          expected,
          reshaped.toDoubleArray(),
          0.0,
          v.layout() + " as " + java.util.Arrays.toString(to));
    }
  }

  @Test
  void anExpandedViewIsReadOnly() {
    Tensor x = Shapes.expand(iota(1, 3), Shape.of(4, 3));
    assertArrayEquals(new double[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, x.toDoubleArray(), 0.0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Elementwise.fill(x, 1));
    assertTrue(e.getMessage().contains("must not overlap itself"), e.getMessage());
  }
}

package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.UnaryOp;
import org.junit.jupiter.api.Test;

/** Backward refuses a tensor it saved that was modified in place afterwards, as PyTorch does. */
@SuppressWarnings("try")
class InPlaceSafetyTest {
  private final TestBackends.Reference be = TestBackends.reference();

  private Tensor leaf(double... v) {
    return Tensors.of(be, DType.FLOAT64, v, v.length).requiresGrad(true);
  }

  private Tensor constant(double... v) {
    return Tensors.of(be, DType.FLOAT64, v, v.length);
  }

  @Test
  void aSavedInputThatNeedsNoGradientButWasChangedIsRefusedNamingTheOperation() {
    Tensor x = leaf(1, 2, 3);
    Tensor w = constant(4, 5, 6); // no gradient, but mul's backward reads it for x's gradient
    Tensor loss = Reductions.sum(Elementwise.mul(x, w));
    Elementwise.applyInPlace(BinaryOp.ADD, w, constant(1, 1, 1));
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("'mul'"), e.getMessage());
    assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
  }

  @Test
  void aSavedOutputChangedOutsideTheTapeIsRefused() {
    Tensor x = leaf(0.1, 0.2);
    Tensor y = Elementwise.exp(x); // exp's backward reads its output
    Tensor loss = Reductions.sum(y);
    try (GradMode off = GradMode.disable()) {
      Elementwise.applyInPlace(UnaryOp.AFFINE, 2, 0, y);
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
    assertTrue(e.getMessage().contains("'exp'"), e.getMessage());
  }

  @Test
  void aParameterUpdatedBetweenForwardAndBackwardIsRefused() {
    Tensor p = leaf(1, -1);
    Tensor x = constant(3, 4);
    Tensor loss = Reductions.sum(Elementwise.mul(p, x).square());
    try (GradMode off = GradMode.disable()) {
      Elementwise.applyInPlace(UnaryOp.AFFINE, 0.5, 0, p); // an optimizer step too early
    }
    assertThrows(IllegalStateException.class, loss::backward);
  }

  @Test
  void aChangeThatNoGradientReadsIsAllowed() {
    Tensor x = leaf(1, 2);
    Tensor c = constant(5, 5);
    Tensor loss = Reductions.sum(Elementwise.add(x, c)); // add's backward reads neither input
    Elementwise.applyInPlace(BinaryOp.MUL, c, constant(2, 2));
    assertDoesNotThrow(() -> loss.backward());
    assertArrayEquals(new double[] {1, 1}, x.grad().toDoubleArray(), 0.0);
  }

  @Test
  void aWriteThroughAViewCountsForTheWholeStorage() {
    Tensor x = leaf(1, 2, 3, 4);
    Tensor w = constant(1, 1, 1, 1);
    Tensor loss = Reductions.sum(Elementwise.mul(x, w));
    Elementwise.fill(Shapes.slice(w, 0, 2, 3), 7); // through a view of w
    assertThrows(IllegalStateException.class, loss::backward);
  }

  @Test
  void anInPlaceUpdateFromATensorThatRequiresAGradientIsRefusedWhileRecording() {
    Tensor target = constant(0, 0);
    Tensor x = leaf(1, 2);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> Elementwise.addInPlace(target, x));
    assertTrue(e.getMessage().contains("not recorded"), e.getMessage());
  }
}

package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checker passes right gradients, catches wrong ones, and says where. */
class GradientCheckerTest {
  private final Backend ref = TestBackends.reference();
  private Scope scope;

  @BeforeEach
  void open() {
    scope = Scope.open();
  }

  @AfterEach
  void close() {
    scope.close();
  }

  private Tensor tensor(double... values) {
    return Tensors.of(ref, DType.FLOAT64, values, values.length);
  }

  @Test
  void rightGradientPasses() {
    Tensor x = tensor(0.5, -1.25, 2.0);
    GradientChecker.Report r =
        GradientChecker.check(in -> in.get(0).square().mul(Elementwise.sin(in.get(0))), List.of(x));
    assertTrue(r.passed(), r.summary());
    assertEquals(3, r.checked());
    assertEquals(0, r.skipped());
    assertTrue(r.worst().error() < 1e-8, r.summary());
  }

  @Test
  void detachedBranchGivesAWrongGradientThatIsCaught() {
    // x · detach(x): the true derivative is 2x, the tape sees only one factor and gives x
    Tensor x = tensor(0.5, -1.25, 2.0);
    Function<List<Tensor>, Tensor> f = in -> in.get(0).mul(in.get(0).detach());
    AssertionError e =
        assertThrows(AssertionError.class, () -> GradientChecker.assertGradients(f, List.of(x)));
    String m = e.getMessage();
    assertTrue(m.contains("input 0 element 0 [0] (value 0.500000): analytic "), m);
    assertTrue(m.contains("numeric "), m);
    assertTrue(m.contains("worst error: input 0 element "), m);
    GradientChecker.Report r = GradientChecker.check(f, List.of(x));
    assertEquals(3, r.failures().size());
    for (GradientChecker.Element el : r.failures()) {
      // the projection scales both derivatives alike: the numeric one is twice the analytic one
      assertEquals(2 * el.analytic(), el.numeric(), 1e-6, el.describe());
    }
  }

  @Test
  void wrongParameterGradientIsCaughtAndNamed() {
    Parameter w =
        new Parameter(Scope.outside(() -> Tensors.of(ref, DType.FLOAT64, new double[] {1, 2}, 2)));
    Tensor in = tensor(3, -4);
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                GradientChecker.assertParameterGradients(
                    () -> w.value().mul(w.value().detach()).mul(in).sum(),
                    java.util.Map.of("w", w)));
    assertTrue(e.getMessage().contains("parameter 'w' element"), e.getMessage());
    assertEquals(1.0, w.value().toDoubleArray()[0], "values are restored");
    assertNull(w.grad(), "gradients are cleared");
    assertTrue(w.value().requiresGrad());
  }

  @Test
  void inputsAreRestored() {
    double[] values = {0.3, -0.7};
    Tensor x = tensor(values);
    GradientChecker.check(in -> in.get(0).exp(), List.of(x));
    assertEquals(List.of(0.3, -0.7), List.of(x.toDoubleArray()[0], x.toDoubleArray()[1]));
    assertFalse(x.requiresGrad());
    assertNull(x.grad());
  }

  @Test
  void kinksAreSkippedNotFailed() {
    Tensor x = tensor(0.0, 0.5, -0.5, 1.0);
    GradientChecker.Report r = GradientChecker.check(in -> Elementwise.abs(in.get(0)), List.of(x));
    assertTrue(r.passed(), r.summary());
    assertEquals(1, r.skipped());
    assertEquals(3, r.checked());
  }

  @Test
  void tooManyKinksFail() {
    Tensor x = tensor(0.0, 0.0, 0.0, 1.0);
    GradientChecker.Report r = GradientChecker.check(in -> in.get(0).relu(), List.of(x));
    assertFalse(r.passed());
    assertTrue(r.summary().contains("skipped"), r.summary());
  }

  @Test
  void callerFilterSkipsElements() {
    Tensor x = tensor(0.5, 2.0);
    Function<List<Tensor>, Tensor> f = in -> in.get(0).mul(in.get(0).detach());
    GradientChecker.Report r =
        GradientChecker.check(
            f, List.of(x), GradientChecker.Tolerance.defaults(), (i, e, v) -> v > 1);
    assertEquals(1, r.skipped());
    assertEquals(1, r.failures().size());
  }

  @Test
  void nonScalarOutputsAreProjectedSoEveryElementCounts() {
    // A wrong gradient in one output element only: a plain sum would still see it, but so must the
    // projection; the error is in output element 2 alone.
    Tensor x = tensor(0.5, -1.0, 1.5);
    Tensor mask = tensor(0, 0, 1);
    Function<List<Tensor>, Tensor> f =
        in -> {
          Tensor t = in.get(0);
          Tensor ok = t.square().mul(mask.neg().add(1));
          Tensor wrong = t.mul(t.detach()).mul(mask);
          return ok.add(wrong);
        };
    GradientChecker.Report r = GradientChecker.check(f, List.of(x));
    assertEquals(1, r.failures().size(), r.summary());
    assertEquals(2, r.failures().getFirst().element());
  }

  @Test
  void indicesPassThrough() {
    Tensor table = Tensors.of(ref, DType.FLOAT64, new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
    Tensor idx = Tensors.indices(ref, new int[] {2, 2, 0}, 3);
    GradientChecker.assertGradients(
        in -> dev.heed.core.tensor.NeuralOps.indexSelect(in.get(0), 0, in.get(1)).square(),
        List.of(table, idx));
  }

  @Test
  void float32InputsAreRefused() {
    Tensor x = Tensors.of(ref, DType.FLOAT32, new double[] {1, 2}, 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GradientChecker.check(in -> in.get(0).exp(), List.of(x)));
    assertTrue(e.getMessage().contains("FLOAT64"), e.getMessage());
  }

  @Test
  void nonLeafInputsAreRefused() {
    Tensor x = tensor(1, 2).requiresGrad(true).exp();
    assertThrows(
        IllegalArgumentException.class,
        () -> GradientChecker.check(in -> in.get(0).exp(), List.of(x)));
  }

  /** A leaf that is a transposed view at an offset of its buffer is perturbed where it lies. */
  @Test
  void leafViewsArePerturbedInPlace() {
    Tensor stored =
        Tensors.of(ref, DType.FLOAT64, new double[] {9, 0.5, -1.25, 2, 0.75, -0.5, 1.5}, 7);
    Tensor view =
        Shapes.transpose(Shapes.reshape(Shapes.slice(stored, 0, 1, 7), 2, 3), 0, 1).detach();
    double[] before = stored.toDoubleArray();
    Tensor weights = Tensors.of(ref, DType.FLOAT64, new double[] {1, -2, 3, 0.5, 4, -1}, 3, 2);
    GradientChecker.Report r =
        GradientChecker.check(
            in -> in.get(0).square().mul(weights).mul(Elementwise.sin(in.get(0))), List.of(view));
    assertTrue(r.passed(), r.summary());
    assertEquals(6, r.checked());
    assertArrayEquals(before, stored.toDoubleArray(), 0, "the checker restores every value");
  }

  @Test
  void broadcastLeafIsRefused() {
    Tensor expanded =
        Shapes.expand(Tensors.of(ref, DType.FLOAT64, new double[] {1, 2}, 1, 2), Shape.of(3, 2))
            .detach();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GradientChecker.check(in -> in.get(0).square(), List.of(expanded)));
    assertTrue(e.getMessage().contains("is a broadcast view"), e.getMessage());
  }
}

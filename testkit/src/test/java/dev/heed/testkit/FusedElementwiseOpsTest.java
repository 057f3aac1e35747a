package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import org.junit.jupiter.api.Test;

/**
 * {@code Elementwise.fused} and {@code fusedInto} on the reference backend, which offers no fused
 * chains, so core runs the steps one by one: the results are {@link ElementwiseProgram#evaluate}'s,
 * and misuse is refused with a message.
 */
@SuppressWarnings("try")
class FusedElementwiseOpsTest {
  private final Backend cpu = TestBackends.reference();

  /** {@code (a - b)·b} and {@code a + 1}: two outputs, one of them an input's function only. */
  private static ElementwiseProgram program() {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(2);
    int d = b.binary(BinaryOp.SUB, 0, 1);
    return b.output(b.binary(BinaryOp.MUL, d, 1)).output(b.affine(0, 1, 1)).build();
  }

  @Test
  void stepByStepMatchesTheDefinition() {
    double[] a = {1, -2, 3.5, 0};
    double[] c = {0.5, 4, -1, 2};
    try (Scope s = Scope.open()) {
      Tensor ta = Tensors.of(cpu, DType.FLOAT64, a, 4);
      Tensor tc = Tensors.of(cpu, DType.FLOAT64, c, 4);
      Tensor[] out = Elementwise.fused(program(), ta, tc);
      assertEquals(2, out.length);
      for (int e = 0; e < 4; e++) {
        double[] want = program().evaluate(new double[] {a[e], c[e]}, false);
        assertEquals(want[0], out[0].toDoubleArray()[e], 0);
        assertEquals(want[1], out[1].toDoubleArray()[e], 0);
      }
    }
  }

  @Test
  void intoWritesOverItsInputs() {
    try (Scope s = Scope.open()) {
      Tensor ta = Tensors.of(cpu, DType.FLOAT32, new double[] {1, 2, 3}, 3);
      Tensor tc = Tensors.of(cpu, DType.FLOAT32, new double[] {1, 1, 1}, 3);
      Elementwise.fusedInto(program(), new Tensor[] {ta, tc}, ta, tc);
      assertArrayEquals(new double[] {0, 1, 2}, ta.toDoubleArray(), 0);
      assertArrayEquals(new double[] {2, 3, 4}, tc.toDoubleArray(), 0);
    }
  }

  @Test
  void misuseIsRefused() {
    try (Scope s = Scope.open()) {
      Tensor a = Tensors.of(cpu, DType.FLOAT32, new double[] {1, 2, 3}, 3);
      Tensor b = Tensors.of(cpu, DType.FLOAT32, new double[] {1, 2}, 2);
      var count =
          assertThrows(IllegalArgumentException.class, () -> Elementwise.fused(program(), a));
      assertTrue(count.getMessage().contains("1 inputs for a program of 2"), count.getMessage());
      var shapes =
          assertThrows(IllegalArgumentException.class, () -> Elementwise.fused(program(), a, b));
      assertTrue(shapes.getMessage().contains("different shapes"), shapes.getMessage());
      Tensor g = Tensors.of(cpu, DType.FLOAT32, new double[] {1, 2, 3}, 3).requiresGrad(true);
      var tape =
          assertThrows(IllegalStateException.class, () -> Elementwise.fused(program(), a, g));
      assertTrue(tape.getMessage().contains("not recorded on the tape"), tape.getMessage());
      try (GradMode off = GradMode.disable()) {
        assertEquals(2, Elementwise.fused(program(), a, g).length);
      }
    }
  }

  @Test
  void builderChecksRegisters() {
    ElementwiseProgram.Builder b = ElementwiseProgram.builder(2);
    var undefined = assertThrows(IllegalArgumentException.class, () -> b.unary(UnaryOp.EXP, 2));
    assertTrue(
        undefined.getMessage().contains("register 2 is not defined"), undefined.getMessage());
    assertThrows(IllegalStateException.class, b::build);
    assertThrows(IllegalArgumentException.class, () -> ElementwiseProgram.builder(0));
    assertEquals(
        "program(inputs r0..r1; r2 = SUB(r0, r1); r3 = MUL(r2, r1); r4 = AFFINE(r0, 1.0, 1.0);"
            + " out r3 r4)",
        program().toString());
  }
}

package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ReduceOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReduceTest {
  private static final double INF = Double.POSITIVE_INFINITY;
  private final Backend cpu = CheckedBackend.of(new CpuBackend());

  private double[] values(ReduceOp op, Buffer x, int outer, int axis, int inner) {
    Buffer out = cpu.allocate(x.dtype(), (long) outer * inner);
    Host.reduce(cpu, op, x, outer, axis, inner, out);
    return Host.read(cpu, out);
  }

  private int[] indices(ReduceOp op, Buffer x, int outer, int axis, int inner) {
    Buffer out = cpu.allocate(DType.INT32, (long) outer * inner);
    Host.reduce(cpu, op, x, outer, axis, inner, out);
    return Host.readInts(cpu, out);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void reducesTheMiddleAxisWithOuterAndInner(DType dtype) {
    Buffer x = Host.of(cpu, dtype, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11); // [2, 3, 2]
    assertArrayEquals(new double[] {6, 9, 24, 27}, values(ReduceOp.SUM, x, 2, 3, 2));
    assertArrayEquals(new double[] {4, 5, 10, 11}, values(ReduceOp.MAX, x, 2, 3, 2));
    assertArrayEquals(new double[] {0, 1, 6, 7}, values(ReduceOp.MIN, x, 2, 3, 2));
    assertArrayEquals(new int[] {2, 2, 2, 2}, indices(ReduceOp.ARGMAX, x, 2, 3, 2));
    assertArrayEquals(new int[] {0, 0, 0, 0}, indices(ReduceOp.ARGMIN, x, 2, 3, 2));
    // the whole buffer as one row, and as columns
    assertArrayEquals(new double[] {66}, values(ReduceOp.SUM, x, 1, 12, 1));
    assertArrayEquals(new double[] {30, 36}, values(ReduceOp.SUM, x, 1, 6, 2));
    assertArrayEquals(new double[] {15, 51}, values(ReduceOp.SUM, x, 2, 6, 1));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void argReductionsTakeTheFirstIndexOnTies(DType dtype) {
    Buffer rows = Host.of(cpu, dtype, 1, 3, 3, 0, 2, 0, 0, 5); // [2, 4]
    assertArrayEquals(new int[] {1, 3}, indices(ReduceOp.ARGMAX, rows, 2, 4, 1));
    assertArrayEquals(new int[] {3, 1}, indices(ReduceOp.ARGMIN, rows, 2, 4, 1));
    // the same ties along a strided axis: [1, 4, 2] with columns (1 3 3 0) and (2 0 0 5)
    Buffer cols = Host.of(cpu, dtype, 1, 2, 3, 0, 3, 0, 0, 5);
    assertArrayEquals(new int[] {1, 3}, indices(ReduceOp.ARGMAX, cols, 1, 4, 2));
    assertArrayEquals(new int[] {3, 1}, indices(ReduceOp.ARGMIN, cols, 1, 4, 2));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void maxAndMinPropagateNaN(DType dtype) {
    double nan = Double.NaN;
    Buffer x = Host.of(cpu, dtype, 1, nan, 3, 4, 5, 6); // rows (1 NaN 3) and (4 5 6)
    double[] max = values(ReduceOp.MAX, x, 2, 3, 1);
    assertTrue(Double.isNaN(max[0]));
    assertArrayEquals(new double[] {6}, new double[] {max[1]});
    double[] min = values(ReduceOp.MIN, x, 1, 3, 2); // columns (1 3 5) and (NaN 4 6)
    assertArrayEquals(new double[] {1}, new double[] {min[0]});
    assertTrue(Double.isNaN(min[1]));
    assertTrue(Double.isNaN(values(ReduceOp.SUM, x, 1, 6, 1)[0]));
    // the first NaN counts as the extreme value, as in PyTorch
    assertArrayEquals(new int[] {1, 2}, indices(ReduceOp.ARGMAX, x, 2, 3, 1));
    assertArrayEquals(new int[] {1, 0}, indices(ReduceOp.ARGMIN, x, 2, 3, 1));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void anEmptyAxisGivesTheIdentity(DType dtype) {
    Buffer x = cpu.allocate(dtype, 0);
    assertArrayEquals(new double[] {0, 0, 0, 0}, values(ReduceOp.SUM, x, 2, 0, 2));
    assertArrayEquals(new double[] {-INF, -INF}, values(ReduceOp.MAX, x, 2, 0, 1));
    assertArrayEquals(new double[] {INF, INF, INF}, values(ReduceOp.MIN, x, 1, 0, 3));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Host.reduce(cpu, ReduceOp.ARGMAX, x, 2, 0, 1, cpu.allocate(DType.INT32, 2)));
    assertTrue(e.getMessage().startsWith("reduce ARGMAX"), e.getMessage());
  }

  @Test
  void checksTypesAndSizes() {
    Buffer x = Host.of(cpu, DType.FLOAT32, 1, 2, 3, 4);
    var t =
        assertThrows(
            IllegalArgumentException.class,
            () -> Host.reduce(cpu, ReduceOp.ARGMAX, x, 1, 4, 1, cpu.allocate(DType.FLOAT32, 1)));
    assertTrue(t.getMessage().contains("expected INT32"), t.getMessage());
    var s =
        assertThrows(
            IllegalArgumentException.class,
            () -> Host.reduce(cpu, ReduceOp.SUM, x, 1, 5, 1, cpu.allocate(DType.FLOAT32, 1)));
    assertTrue(s.getMessage().contains("4 elements"), s.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Host.reduce(cpu, ReduceOp.SUM, x, 1, 4, 1, x));
  }
}

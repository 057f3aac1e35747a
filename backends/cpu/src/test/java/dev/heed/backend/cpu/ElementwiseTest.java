package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElementwiseTest {
  private static final double[] SAMPLES = {
    -3.5, -1, -0.25, -0.0, 0, 1e-9, 0.3, 1, 2, 7.25, Double.NaN, Double.POSITIVE_INFINITY
  };
  private final Backend cpu = CheckedBackend.of(new CpuBackend());

  private static double round(DType dtype, double v) {
    return dtype == DType.FLOAT32 ? (float) v : v;
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void unaryComputesTheReferenceValueOfEveryOp(DType dtype) {
    Buffer x = Host.of(cpu, dtype, SAMPLES);
    Buffer y = cpu.allocate(dtype, SAMPLES.length);
    for (UnaryOp op : UnaryOp.values()) {
      Host.unary(cpu, op, 0.5, 2.0, x, y, SAMPLES.length);
      double[] got = Host.read(cpu, y);
      for (int i = 0; i < SAMPLES.length; i++) {
        double expected = round(dtype, op.apply(round(dtype, SAMPLES[i]), 0.5, 2.0));
        assertEquals(expected, got[i], 0.0, op + " of " + SAMPLES[i]);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void unaryHandComputedAndInPlace(DType dtype) {
    Buffer x = Host.of(cpu, dtype, -2, 0, 3, 9);
    Buffer y = cpu.allocate(dtype, 4);
    Host.unary(cpu, UnaryOp.RELU, 0, 0, x, y, 4);
    assertArrayEquals(new double[] {0, 0, 3, 9}, Host.read(cpu, y));
    Host.unary(cpu, UnaryOp.AFFINE, 2, 1, x, y, 3);
    assertArrayEquals(new double[] {-3, 1, 7, 9}, Host.read(cpu, y));
    Host.unary(cpu, UnaryOp.CLAMP, -1, 4, x, x, 4);
    assertArrayEquals(new double[] {-1, 0, 3, 4}, Host.read(cpu, x));
    Host.unary(cpu, UnaryOp.SQRT, 0, 0, x, x, 4);
    double[] r = Host.read(cpu, x);
    assertTrue(Double.isNaN(r[0]));
    assertArrayEquals(
        new double[] {0, Math.sqrt(3), 2}, new double[] {r[1], r[2], r[3]}, Host.tol(dtype) * 2);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void binaryComputesTheReferenceValueOfEveryOp(DType dtype) {
    int n = SAMPLES.length;
    double[] bs = new double[n];
    for (int i = 0; i < n; i++) {
      bs[i] = SAMPLES[(i * 5 + 3) % n];
    }
    Buffer a = Host.of(cpu, dtype, SAMPLES);
    Buffer b = Host.of(cpu, dtype, bs);
    Buffer out = cpu.allocate(dtype, n);
    Layout l = Layout.contiguous(n);
    Layout strided = new Layout(new int[] {n / 2}, new long[] {2}, 0); // the strided loops
    for (BinaryOp op : BinaryOp.values()) {
      cpu.binary(op, a, l, b, l, out, l);
      double[] got = Host.read(cpu, out);
      for (int i = 0; i < n; i++) {
        double expected = round(dtype, op.apply(round(dtype, SAMPLES[i]), round(dtype, bs[i])));
        assertEquals(expected, got[i], 0.0, op + " of " + SAMPLES[i] + ", " + bs[i]);
      }
      Buffer o2 = cpu.allocate(dtype, n);
      cpu.binary(op, a, strided, b, strided, o2, strided);
      double[] got2 = Host.read(cpu, o2);
      for (int i = 0; i < n; i += 2) {
        assertEquals(got[i], got2[i], 0.0, op + " strided at " + i);
      }
      for (int j = 0; j < n; j++) { // b broadcast from one element, then a from one element
        Layout one = new Layout(new int[] {n}, new long[] {0}, j);
        cpu.binary(op, a, l, b, one, o2, l);
        double[] sb = Host.read(cpu, o2);
        cpu.binary(op, b, one, a, l, o2, l);
        double[] sa = Host.read(cpu, o2);
        for (int i = 0; i < n; i++) {
          double x = round(dtype, SAMPLES[i]);
          double y = round(dtype, bs[j]);
          assertEquals(round(dtype, op.apply(x, y)), sb[i], 0.0, op + " of " + x + ", " + y);
          assertEquals(round(dtype, op.apply(y, x)), sa[i], 0.0, op + " of " + y + ", " + x);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void binaryBroadcasts(DType dtype) {
    Buffer m = Host.of(cpu, dtype, 1, 2, 3, 4, 5, 6); // [2, 3]
    Buffer row = Host.of(cpu, dtype, 10, 20, 30);
    Buffer col = Host.of(cpu, dtype, 2, 3);
    Buffer scalar = Host.of(cpu, dtype, 0.5);
    Layout ml = Layout.contiguous(2, 3);
    Buffer out = cpu.allocate(dtype, 6);
    cpu.binary(
        BinaryOp.ADD, m, ml, row, new Layout(new int[] {2, 3}, new long[] {0, 1}, 0), out, ml);
    assertArrayEquals(new double[] {11, 22, 33, 14, 25, 36}, Host.read(cpu, out));
    cpu.binary(
        BinaryOp.MUL, col, new Layout(new int[] {2, 3}, new long[] {1, 0}, 0), m, ml, out, ml);
    assertArrayEquals(new double[] {2, 4, 6, 12, 15, 18}, Host.read(cpu, out));
    cpu.binary(
        BinaryOp.SUB, m, ml, scalar, new Layout(new int[] {2, 3}, new long[] {0, 0}, 0), out, ml);
    assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5, 4.5, 5.5}, Host.read(cpu, out));
    // outer product [2, 1] x [1, 3] by broadcasting both sides
    cpu.binary(
        BinaryOp.MUL,
        col,
        new Layout(new int[] {2, 3}, new long[] {1, 0}, 0),
        row,
        new Layout(new int[] {2, 3}, new long[] {0, 1}, 0),
        out,
        ml);
    assertArrayEquals(new double[] {20, 40, 60, 30, 60, 90}, Host.read(cpu, out));
    // comparisons give 1 and 0, written into a transposed output view
    cpu.binary(
        BinaryOp.GT,
        m,
        ml,
        scalar,
        new Layout(new int[] {2, 3}, new long[] {0, 0}, 0),
        out,
        new Layout(new int[] {2, 3}, new long[] {1, 2}, 0));
    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, Host.read(cpu, out));
    cpu.binary(BinaryOp.DIV, m, ml, m, ml, m, ml); // in place, identical views
    assertArrayEquals(new double[] {1, 1, 1, 1, 1, 1}, Host.read(cpu, m));
  }

  @Test
  void binaryRejectsAPartlyOverlappingOutput() {
    Buffer a = Host.iota(cpu, DType.FLOAT32, 4);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cpu.binary(
                    BinaryOp.ADD,
                    a,
                    Layout.contiguous(new int[] {3}, 0),
                    a,
                    Layout.contiguous(new int[] {3}, 0),
                    a,
                    Layout.contiguous(new int[] {3}, 1)));
    assertTrue(e.getMessage().startsWith("binary ADD"), e.getMessage());
    assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
  }

  @Test
  void binaryNamesTheKernelShapesAndTypes() {
    Buffer a = cpu.allocate(DType.FLOAT32, 6);
    Buffer b = cpu.allocate(DType.FLOAT64, 6);
    Layout l = Layout.contiguous(2, 3);
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> cpu.binary(BinaryOp.MUL, a, l, b, l, a, l));
    assertEquals(
        "binary MUL: buffer b has dtype FLOAT64 but a has FLOAT32; the operands of one call must"
            + " share one dtype",
        e.getMessage());
    var s =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cpu.binary(
                    BinaryOp.MUL,
                    a,
                    l,
                    a,
                    Layout.contiguous(3, 2),
                    cpu.allocate(DType.FLOAT32, 6),
                    l));
    assertTrue(s.getMessage().contains("[3, 2]") && s.getMessage().contains("[2, 3]"));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void whereSelectsWithABroadcastCondition(DType dtype) {
    Buffer cond = Host.of(cpu, dtype, 1, 0, Double.NaN);
    Buffer a = Host.of(cpu, dtype, 1, 2, 3, 4, 5, 6);
    Buffer b = Host.of(cpu, dtype, -1);
    Buffer out = cpu.allocate(dtype, 6);
    Layout ml = Layout.contiguous(2, 3);
    cpu.where(
        cond,
        new Layout(new int[] {2, 3}, new long[] {0, 1}, 0),
        a,
        ml,
        b,
        new Layout(new int[] {2, 3}, new long[] {0, 0}, 0),
        out,
        ml);
    assertArrayEquals(new double[] {1, -1, 3, 4, -1, 6}, Host.read(cpu, out));
  }
}

package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SoftmaxTest {
  private static final double NEG_INF = Double.NEGATIVE_INFINITY;
  private static final double LN3 = Math.log(3);
  private final Backend cpu = CheckedBackend.of(new CpuBackend());

  private double[] softmax(Buffer x, int outer, int axis, int inner, boolean log) {
    Buffer y = cpu.allocate(x.dtype(), x.size());
    Host.softmax(cpu, x, outer, axis, inner, log, y);
    return Host.read(cpu, y);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void normalisesRows(DType dtype) {
    Buffer x = Host.of(cpu, dtype, 0, LN3, 1000, 1000); // two rows of 2: (0 ln3), (1000 1000)
    assertArrayEquals(
        new double[] {0.25, 0.75, 0.5, 0.5}, softmax(x, 2, 2, 1, false), Host.tol(dtype));
    assertArrayEquals(
        new double[] {Math.log(0.25), Math.log(0.75), Math.log(0.5), Math.log(0.5)},
        softmax(x, 2, 2, 1, true),
        Host.tol(dtype) * 2);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void normalisesAlongAStridedAxis(DType dtype) {
    // [1, 2, 2]: columns (0 ln3) and (5 5)
    Buffer x = Host.of(cpu, dtype, 0, 5, LN3, 5);
    assertArrayEquals(
        new double[] {0.25, 0.5, 0.75, 0.5}, softmax(x, 1, 2, 2, false), Host.tol(dtype));
    // [2, 2, 2]: the same block twice
    Buffer x2 = Host.of(cpu, dtype, 0, 5, LN3, 5, 0, 5, LN3, 5);
    assertArrayEquals(
        new double[] {0.25, 0.5, 0.75, 0.5, 0.25, 0.5, 0.75, 0.5},
        softmax(x2, 2, 2, 2, false),
        Host.tol(dtype));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void handlesMinusInfinity(DType dtype) {
    // rows (0 -inf ln3) and (-inf -inf -inf)
    Buffer x = Host.of(cpu, dtype, 0, NEG_INF, LN3, NEG_INF, NEG_INF, NEG_INF);
    double[] p = softmax(x, 2, 3, 1, false);
    assertArrayEquals(
        new double[] {0.25, 0, 0.75}, new double[] {p[0], p[1], p[2]}, Host.tol(dtype));
    for (int i = 3; i < 6; i++) {
      assertTrue(Double.isNaN(p[i]), "all -inf row gives NaN");
    }
    double[] lp = softmax(x, 2, 3, 1, true);
    assertEquals(Math.log(0.25), lp[0], Host.tol(dtype) * 2);
    assertEquals(NEG_INF, lp[1]);
    assertEquals(Math.log(0.75), lp[2], Host.tol(dtype) * 2);
    for (int i = 3; i < 6; i++) {
      assertTrue(Double.isNaN(lp[i]), "all -inf row gives NaN");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void worksInPlace(DType dtype) {
    Buffer x = Host.of(cpu, dtype, 0, LN3);
    Host.softmax(cpu, x, 1, 2, 1, false, x);
    assertArrayEquals(new double[] {0.25, 0.75}, Host.read(cpu, x), Host.tol(dtype));
  }
}

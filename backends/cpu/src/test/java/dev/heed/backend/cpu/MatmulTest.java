package dev.heed.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.MatmulSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MatmulTest {
  // A = [[1 2 3] [4 5 6]], B = [[7 8] [9 10] [11 12]], A·B = [[58 64] [139 154]]
  private static final double[] A = {1, 2, 3, 4, 5, 6};
  private static final double[] A_T = {1, 4, 2, 5, 3, 6};
  private static final double[] B = {7, 8, 9, 10, 11, 12};
  private static final double[] B_T = {7, 9, 11, 8, 10, 12};
  private static final double[] AB = {58, 64, 139, 154};
  private final Backend cpu = CheckedBackend.of(new CpuBackend());

  private static MatmulSpec spec(
      int batch, boolean ta, boolean tb, long aStride, long bStride, double alpha, double beta) {
    return new MatmulSpec(batch, 2, 2, 3, ta, tb, 0, aStride, 0, bStride, 0, 4, alpha, beta);
  }

  private double[] product(DType dtype, MatmulSpec s, double[] a, double[] b, double[] c) {
    Buffer cb = Host.of(cpu, dtype, c);
    cpu.matmul(s, Host.of(cpu, dtype, a), Host.of(cpu, dtype, b), cb);
    return Host.read(cpu, cb);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void multipliesInEveryTransposeCombination(DType dtype) {
    double[] c = new double[4];
    assertArrayEquals(AB, product(dtype, MatmulSpec.of(1, 2, 2, 3, false, false), A, B, c));
    assertArrayEquals(AB, product(dtype, MatmulSpec.of(1, 2, 2, 3, true, false), A_T, B, c));
    assertArrayEquals(AB, product(dtype, MatmulSpec.of(1, 2, 2, 3, false, true), A, B_T, c));
    assertArrayEquals(AB, product(dtype, MatmulSpec.of(1, 2, 2, 3, true, true), A_T, B_T, c));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void broadcastsAMatrixOverTheBatch(DType dtype) {
    // A repeated (batch stride 0); B is two matrices: B and [[1 0] [0 1] [0 0]]
    double[] bs = {7, 8, 9, 10, 11, 12, 1, 0, 0, 1, 0, 0};
    double[] out = product(dtype, spec(2, false, false, 0, 6, 1, 0), A, bs, new double[8]);
    assertArrayEquals(new double[] {58, 64, 139, 154, 1, 2, 4, 5}, out);
    // B repeated and transposed, A two matrices (the second transposed-stored identity-like)
    double[] as = {1, 4, 2, 5, 3, 6, 1, 0, 0, 1, 0, 0};
    out = product(dtype, spec(2, true, true, 6, 0, 1, 0), as, B_T, new double[8]);
    assertArrayEquals(new double[] {58, 64, 139, 154, 7, 8, 9, 10}, out);
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void scalesAndAccumulatesWithAlphaAndBeta(DType dtype) {
    double[] c = {1, 2, 3, 4};
    assertArrayEquals(
        new double[] {116.5, 129, 279.5, 310},
        product(dtype, spec(1, false, false, 6, 6, 2, 0.5), A, B, c));
    double nan = Double.NaN;
    assertArrayEquals(
        AB,
        product(dtype, spec(1, false, true, 6, 6, 1, 0), A, B_T, new double[] {nan, nan, 1, 1}));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void anEmptyInnerDimensionGivesBetaTimesC(DType dtype) {
    Buffer a = cpu.allocate(dtype, 0);
    Buffer b = cpu.allocate(dtype, 0);
    Buffer c = Host.of(cpu, dtype, 1, 2, 3, 4, 5, 6, 7, 8);
    cpu.matmul(new MatmulSpec(2, 2, 2, 0, false, false, 0, 0, 0, 0, 0, 4, 1, 0.5), a, b, c);
    assertArrayEquals(new double[] {0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4}, Host.read(cpu, c));
    cpu.matmul(new MatmulSpec(2, 2, 2, 0, true, true, 0, 0, 0, 0, 0, 4, 1, 0), a, b, c);
    assertArrayEquals(new double[8], Host.read(cpu, c));
  }

  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void respectsOffsets(DType dtype) {
    double[] a = {-1, 1, 2, 3, 4, 5, 6};
    double[] b = {-1, -1, 7, 8, 9, 10, 11, 12};
    double[] out =
        product(
            dtype,
            new MatmulSpec(1, 2, 2, 3, false, false, 1, 0, 2, 0, 3, 0, 1, 0),
            a,
            b,
            new double[7]);
    assertArrayEquals(new double[] {0, 0, 0, 58, 64, 139, 154}, out);
  }

  /** Sizes that span several column panels and odd remainders, against a float64 triple loop. */
  @ParameterizedTest
  @EnumSource(names = {"FLOAT32", "FLOAT64"})
  void agreesWithANaiveProductOnLargerShapes(DType dtype) {
    int batch = 2;
    int m = 5;
    int n = 100;
    int k = 1100;
    Random r = new Random(7);
    double[] a = new double[batch * m * k];
    double[] b = new double[batch * k * n];
    double[] c = new double[batch * m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = (float) r.nextGaussian();
    }
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        MatmulSpec s =
            new MatmulSpec(
                batch, m, n, k, ta, tb, 0, (long) m * k, 0, (long) k * n, 0, (long) m * n, 0.5, -2);
        double[] got = product(dtype, s, a, b, c);
        for (int t = 0; t < batch; t++) {
          for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
              double sum = 0;
              for (int p = 0; p < k; p++) {
                double x = ta ? a[t * m * k + p * m + i] : a[t * m * k + i * k + p];
                double y = tb ? b[t * k * n + j * k + p] : b[t * k * n + p * n + j];
                sum += x * y;
              }
              int at = t * m * n + i * n + j;
              double expected = 0.5 * sum - 2 * c[at];
              double tol = dtype == DType.FLOAT32 ? 1e-3 : 1e-10;
              assertEquals(expected, got[at], tol, "ta=" + ta + " tb=" + tb + " at " + at);
            }
          }
        }
      }
    }
  }

  @Test
  void rejectsAliasingAndOutOfRangeMatrices() {
    Buffer a = Host.of(cpu, DType.FLOAT32, A);
    Buffer b = Host.of(cpu, DType.FLOAT32, B);
    var alias =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.matmul(MatmulSpec.of(1, 2, 2, 3, false, false), a, b, a));
    assertTrue(alias.getMessage().contains("overlaps"), alias.getMessage());
    var range =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cpu.matmul(
                    MatmulSpec.of(2, 2, 2, 3, false, false), a, b, cpu.allocate(DType.FLOAT32, 8)));
    assertTrue(
        range.getMessage().startsWith("matmul: 2 matrices of 6 elements in a"), range.getMessage());
    var overlap =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cpu.matmul(
                    new MatmulSpec(2, 2, 2, 3, false, false, 0, 0, 0, 0, 0, 2, 1, 0),
                    a,
                    b,
                    cpu.allocate(DType.FLOAT32, 8)));
    assertTrue(overlap.getMessage().contains("batch stride 2"), overlap.getMessage());
    var type =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                cpu.matmul(
                    MatmulSpec.of(1, 2, 2, 3, false, false), a, b, cpu.allocate(DType.FLOAT64, 4)));
    assertTrue(type.getMessage().contains("buffer c has dtype FLOAT64"), type.getMessage());
  }
}

package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.heed.core.backend.DType;
import org.junit.jupiter.api.Test;

/**
 * {@link Windows#maxPool2d}: values and gradients against direct loops over the windows written as
 * PyTorch's kernels scan them (the gradient goes to the first maximum of each window in window
 * order, or to its last NaN), ties, NaNs, padding and all -∞ windows, the values off the tape, and
 * refusals. testkit's {@code FusedMaxPool2dContract} checks the same against PyTorch's own output.
 */
@SuppressWarnings("try")
class MaxPool2dTest {
  private final TestBackends.Reference be = TestBackends.reference();

  /**
   * Direct loops: output values and the flat input position of each window's first maximum (or last
   * NaN).
   */
  private static double[][] direct(
      double[] x, int n, int c, int h, int w, int[] k, int[] s, int[] p, int[] d) {
    int oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1;
    int ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
    double[] y = new double[n * c * oh * ow];
    double[] at = new double[y.length];
    int j = 0;
    for (int plane = 0; plane < n * c; plane++) {
      for (int r = 0; r < oh; r++) {
        for (int q = 0; q < ow; q++) {
          double best = Double.NEGATIVE_INFINITY;
          int pos = -1;
          for (int a = 0; a < k[0]; a++) {
            for (int b = 0; b < k[1]; b++) {
              int row = r * s[0] - p[0] + a * d[0];
              int col = q * s[1] - p[1] + b * d[1];
              if (row < 0 || row >= h || col < 0 || col >= w) {
                continue;
              }
              int i = plane * h * w + row * w + col;
              // PyTorch's scan: (val > maxval) || isnan(val), so every NaN takes over (the last
              // NaN stays) and ties keep the first maximum
              boolean larger = Double.isNaN(x[i]) || x[i] > best;
              if (pos < 0 || larger) {
                best = x[i];
                pos = i;
              }
            }
          }
          y[j] = best;
          at[j++] = pos;
        }
      }
    }
    return new double[][] {y, at};
  }

  private void compare(double[] v, int n, int c, int h, int w, int[] k, int[] s, int[] p, int[] d) {
    double[][] expected = direct(v, n, c, h, w, k, s, p, d);
    try (Scope sc = Scope.open()) {
      Tensor x = Tensors.of(be, DType.FLOAT64, v, n, c, h, w).requiresGrad(true);
      Tensor y = Windows.maxPool2d(x, k, s, p, d);
      assertArrayEquals(expected[0], y.toDoubleArray());
      double[] g = new double[expected[0].length];
      double[] dx = new double[v.length];
      for (int j = 0; j < g.length; j++) {
        g[j] = j + 1;
        dx[(int) expected[1][j]] += g[j];
      }
      y.mul(Tensors.of(be, DType.FLOAT64, g, y.shape().dims())).sum().backward();
      assertArrayEquals(dx, x.grad().toDoubleArray());
      // off the tape: the maximum reduction, the same values
      Tensor plain = Tensors.of(be, DType.FLOAT64, v, n, c, h, w);
      assertArrayEquals(expected[0], Windows.maxPool2d(plain, k, s, p, d).toDoubleArray());
      try (GradMode off = GradMode.disable()) {
        assertArrayEquals(expected[0], Windows.maxPool2d(x, k, s, p, d).toDoubleArray());
      }
    }
  }

  private static double[] values(int size, int levels) {
    double[] v = new double[size];
    long z = 12345;
    for (int i = 0; i < size; i++) {
      z = z * 6364136223846793005L + 1442695040888963407L;
      v[i] = (int) ((z >>> 33) % levels) - levels / 2; // few levels: many ties
    }
    return v;
  }

  @Test
  void tiledWindowsWithTies() {
    compare(
        values(2 * 3 * 6 * 7, 4),
        2,
        3,
        6,
        7,
        new int[] {2, 2},
        new int[] {2, 2},
        new int[2],
        new int[] {1, 1});
  }

  @Test
  void overlappingPaddedDilatedWindows() {
    int[] one = {1, 1};
    compare(values(2 * 2 * 7 * 8, 5), 2, 2, 7, 8, new int[] {3, 3}, new int[] {2, 2}, one, one);
    compare(
        values(2 * 2 * 7 * 8, 1000),
        2,
        2,
        7,
        8,
        new int[] {3, 2},
        new int[] {1, 2},
        new int[] {1, 1},
        new int[] {2, 1});
    compare(
        values(1 * 2 * 5 * 5, 3),
        1,
        2,
        5,
        5,
        new int[] {4, 3},
        new int[] {3, 1},
        new int[] {2, 1},
        new int[] {1, 2});
  }

  @Test
  void anAllNegativeInfinityWindowTakesItsFirstImageElement() {
    double ninf = Double.NEGATIVE_INFINITY;
    double[] v = {ninf, ninf, ninf, ninf, ninf, 1, ninf, ninf, ninf};
    compare(v, 1, 1, 3, 3, new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1});
  }

  @Test
  void aWindowWithNaNsRoutesItsGradientToItsLastNaN() {
    double nan = Double.NaN;
    double[] v = {1, nan, 3, nan, 5, 6, 7, 8, 9, 10, nan, 12, 13, 14, 15, 16};
    int[] two = {2, 2};
    int[] one = {1, 1};
    compare(v, 1, 1, 4, 4, two, two, new int[2], one);
    compare(v, 1, 1, 4, 4, new int[] {3, 3}, one, one, one);
    // PyTorch: [[nan, 1], [nan, 2]] and [[1, nan], [nan, 2]] send the gradient to the lower NaN
    compare(new double[] {nan, 1, nan, 2}, 1, 1, 2, 2, two, two, new int[2], one);
    compare(new double[] {1, nan, nan, 2}, 1, 1, 2, 2, two, two, new int[2], one);
    assertLastNaN(new double[] {nan, 1, nan, 2}, 2);
    assertLastNaN(new double[] {1, nan, nan, 2}, 2);
    assertLastNaN(new double[] {nan, nan, 1, nan}, 3);
    // overlapping windows choose independently: [[nan, nan, 1], [2, nan, 3], [nan, 1, 1]] with 2x2
    // windows at stride 1 sends two windows' gradients to the centre and one to the lower left
    compare(
        new double[] {nan, nan, 1, 2, nan, 3, nan, 1, 1}, 1, 1, 3, 3, two, one, new int[2], one);
    double[] w = values(2 * 2 * 7 * 8, 5); // ties, and a NaN in every third element
    for (int i = 0; i < w.length; i += 3) {
      w[i] = nan;
    }
    compare(w, 2, 2, 7, 8, new int[] {3, 3}, new int[] {2, 2}, one, one);
    compare(w, 2, 2, 7, 8, two, one, new int[2], one);
    compare(w, 2, 2, 7, 8, two, two, new int[2], one);
  }

  /** One 2x2 window over {@code v}: its gradient lands at {@code at} alone (PyTorch's answer). */
  private void assertLastNaN(double[] v, int at) {
    try (Scope sc = Scope.open()) {
      Tensor x = Tensors.of(be, DType.FLOAT64, v, 1, 1, 2, 2).requiresGrad(true);
      int[] two = {2, 2};
      Windows.maxPool2d(x, two, two, new int[2], new int[] {1, 1}).sum().backward();
      double[] want = new double[4];
      want[at] = 1;
      assertArrayEquals(want, x.grad().toDoubleArray());
    }
  }

  @Test
  void refusesBadArguments() {
    try (Scope sc = Scope.open()) {
      Tensor x = Tensors.zeros(be, Shape.of(1, 1, 4, 4), DType.FLOAT64);
      int[] two = {2, 2};
      assertThrows(
          IllegalArgumentException.class,
          () ->
              Windows.maxPool2d(
                  Tensors.zeros(be, Shape.of(4, 4), DType.FLOAT64),
                  two,
                  two,
                  new int[2],
                  new int[] {1, 1}));
      assertThrows(
          IllegalArgumentException.class,
          () -> Windows.maxPool2d(x, two, two, new int[] {2, 2}, new int[] {1, 1}));
      assertThrows(
          IllegalArgumentException.class,
          () -> Windows.maxPool2d(x, two, new int[] {0, 2}, new int[2], new int[] {1, 1}));
      assertThrows(
          IllegalArgumentException.class,
          () -> Windows.maxPool2d(x, new int[] {5, 5}, two, new int[2], new int[] {1, 1}));
    }
  }
}

package dev.heed.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sliding windows, padding and the im2col convolution: values against direct loops, gradients
 * (first and second order through {@code fold}) against finite differences, and refusals.
 */
@SuppressWarnings("try")
class ConvolutionTest {
  private final TestBackends.Reference be = TestBackends.reference();

  @Test
  void unfoldIsAViewOfOverlappingWindows() {
    try (Scope s = Scope.open()) {
      Tensor x = Tensors.of(be, DType.FLOAT64, new double[] {0, 1, 2, 3, 4, 5, 6}, 7);
      Tensor u = Windows.unfold(x, 0, 2, 2, 2); // windows {0,2}, {2,4}, {4,6}
      assertTrue(u.sharesStorage(x));
      assertArrayEquals(new double[] {0, 2, 2, 4, 4, 6}, u.toDoubleArray());
    }
  }

  @Test
  void foldAddsWhereWindowsOverlap() {
    try (Scope s = Scope.open()) {
      Tensor g = Tensors.ones(be, Shape.of(3, 2), DType.FLOAT64);
      Tensor f = Windows.fold(g, Shape.of(7), 0, 2, 2, 2);
      assertArrayEquals(new double[] {1, 0, 2, 0, 2, 0, 1}, f.toDoubleArray());
    }
  }

  @Test
  void windowsPaddingAndTheirGradients() {
    NumericGradient.check(
        be,
        List.of(NumericGradient.values(2 * 5 * 6, 1)),
        List.of(Shape.of(2, 5, 6)),
        in -> {
          Tensor p = Windows.pad(in.get(0), new int[] {0, 1, 2}, new int[] {0, 2, 1}, 0.5);
          Tensor u = Windows.unfold(Windows.unfold(p, 1, 3, 2, 1), 2, 2, 1, 3);
          return Reductions.sum(Elementwise.tanh(u).mul(u));
        });
  }

  @Test
  void conv2dMatchesDirectLoops() {
    int n = 2, c = 4, h = 6, w = 5, o = 6, kh = 3, kw = 2, groups = 2;
    int[] stride = {2, 1};
    int[] pad = {1, 2};
    int[] dil = {1, 2};
    double[] xv = NumericGradient.values(n * c * h * w, 4);
    double[] wv = NumericGradient.values(o * (c / groups) * kh * kw, 5);
    double[] bv = NumericGradient.values(o, 6);
    try (Scope s = Scope.open()) {
      Tensor y =
          Convolution.conv2d(
              Tensors.of(be, DType.FLOAT64, xv, n, c, h, w),
              Tensors.of(be, DType.FLOAT64, wv, o, c / groups, kh, kw),
              Tensors.of(be, DType.FLOAT64, bv, o),
              stride,
              pad,
              dil,
              groups);
      int oh = (h + 2 * pad[0] - dil[0] * (kh - 1) - 1) / stride[0] + 1;
      int ow = (w + 2 * pad[1] - dil[1] * (kw - 1) - 1) / stride[1] + 1;
      assertArrayEquals(new int[] {n, o, oh, ow}, y.shape().dims());
      double[] expected = new double[n * o * oh * ow];
      int cg = c / groups;
      int og = o / groups;
      for (int b = 0; b < n; b++) {
        for (int oc = 0; oc < o; oc++) {
          for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
              double acc = bv[oc];
              for (int ic = 0; ic < cg; ic++) {
                for (int p = 0; p < kh; p++) {
                  for (int q = 0; q < kw; q++) {
                    int yy = i * stride[0] - pad[0] + p * dil[0];
                    int xx = j * stride[1] - pad[1] + q * dil[1];
                    if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                      int ch = (oc / og) * cg + ic;
                      acc +=
                          wv[((oc * cg + ic) * kh + p) * kw + q]
                              * xv[((b * c + ch) * h + yy) * w + xx];
                    }
                  }
                }
              }
              expected[((b * o + oc) * oh + i) * ow + j] = acc;
            }
          }
        }
      }
      assertArrayEquals(expected, y.toDoubleArray(), 1e-12);
    }
  }

  @Test
  void conv2dGradients() {
    NumericGradient.check(
        be,
        List.of(
            NumericGradient.values(2 * 4 * 5 * 4, 1),
            NumericGradient.values(4 * 2 * 2 * 3, 2),
            NumericGradient.values(4, 3)),
        List.of(Shape.of(2, 4, 5, 4), Shape.of(4, 2, 2, 3), Shape.of(4)),
        in ->
            Reductions.sum(
                Elementwise.tanh(
                    Convolution.conv2d(
                        in.get(0),
                        in.get(1),
                        in.get(2),
                        new int[] {2, 1},
                        new int[] {1, 1},
                        new int[] {1, 2},
                        2))));
  }

  @Test
  void conv1dGradients() {
    NumericGradient.check(
        be,
        List.of(NumericGradient.values(2 * 3 * 9, 7), NumericGradient.values(3 * 1 * 3, 8)),
        List.of(Shape.of(2, 3, 9), Shape.of(3, 1, 3)),
        in ->
            Reductions.sum(
                Elementwise.square(Convolution.conv1d(in.get(0), in.get(1), null, 2, 1, 2, 3))));
  }

  @Test
  void refusesShapesThatDoNotFit() {
    try (Scope s = Scope.open()) {
      Tensor x = Tensors.zeros(be, Shape.of(1, 3, 4, 4), DType.FLOAT64);
      Tensor w = Tensors.zeros(be, Shape.of(2, 2, 3, 3), DType.FLOAT64);
      int[] one = {1, 1};
      int[] zero = {0, 0};
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Convolution.conv2d(x, w, null, one, zero, one, 1));
      assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
      Tensor big = Tensors.zeros(be, Shape.of(2, 3, 5, 5), DType.FLOAT64);
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Convolution.conv2d(x, big, null, one, zero, one, 1));
      assertTrue(e.getMessage().contains("larger than the padded input"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Windows.unfold(x, 2, 5, 1, 1));
    }
  }
}

package dev.heed.testkit;

/**
 * Max pooling over tiling windows in float64 on the host, written from {@code FusedMaxPool2d}'s
 * Javadoc (PyTorch's {@code max_pool2d} with stride = kernel, no padding, floor mode): the expected
 * values of {@link FusedMaxPool2dContract}. Arrays are dense {@code [planes, h, w]} and {@code
 * [planes, h/kh, w/kw]}; rows and columns past the last whole window are never read.
 */
final class MaxPool2dOracle {
  private MaxPool2dOracle() {}

  /**
   * The flat index in {@code x} of the element each window's gradient goes to, found as PyTorch's
   * kernels scan a window (row-major, keeping an element when it is larger than the maximum so far
   * or NaN): the window's first maximum, or, in a window holding NaNs, its last NaN.
   */
  static int[] argmax(double[] x, int planes, int h, int w, int kh, int kw) {
    int oh = h / kh;
    int ow = w / kw;
    int[] at = new int[planes * oh * ow];
    for (int p = 0; p < planes; p++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          int best = -1;
          for (int a = 0; a < kh; a++) {
            for (int b = 0; b < kw; b++) {
              int e = (p * h + i * kh + a) * w + j * kw + b;
              if (best < 0 || Double.isNaN(x[e]) || x[e] > x[best]) {
                best = e;
              }
            }
          }
          at[(p * oh + i) * ow + j] = best;
        }
      }
    }
    return at;
  }

  /** Each window's maximum, NaN when the window holds a NaN. */
  static double[] forward(double[] x, int planes, int h, int w, int kh, int kw) {
    int[] at = argmax(x, planes, h, w, kh, kw);
    double[] y = new double[at.length];
    for (int o = 0; o < at.length; o++) {
      y[o] = x[at[o]];
    }
    return y;
  }

  /** Each window's {@code gy} at its first maximum (or last NaN); 0 everywhere else. */
  static double[] backward(double[] gy, double[] x, int planes, int h, int w, int kh, int kw) {
    int[] at = argmax(x, planes, h, w, kh, kw);
    double[] gx = new double[planes * h * w];
    for (int o = 0; o < at.length; o++) {
      gx[at[o]] = gy[o];
    }
    return gx;
  }
}

package dev.heed.testkit;

/**
 * Layer normalisation over the last axis in float64 on the host, written from {@code
 * FusedLayerNorm}'s Javadoc (PyTorch's {@code nn.LayerNorm} with the biased variance): the expected
 * values of {@link FusedLayerNormContract}'s direct calls. Arrays are dense {@code [rows, d]},
 * {@code [d]} and {@code [rows]}; a null weight is ones and a null bias zeros.
 */
final class LayerNormOracle {
  private LayerNormOracle() {}

  /** What the forward writes: {@code y [rows, d]}, {@code mean [rows]}, {@code rstd [rows]}. */
  record Forward(double[] y, double[] mean, double[] rstd) {}

  /** The gradients {@code gx [rows, d]}, {@code gWeight [d]} and {@code gBias [d]}. */
  record Gradients(double[] gx, double[] gWeight, double[] gBias) {}

  static Forward forward(double[] x, double[] weight, double[] bias, int rows, int d, double eps) {
    double[] y = new double[rows * d];
    double[] mean = new double[rows];
    double[] rstd = new double[rows];
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = 0; c < d; c++) {
        sum += x[r * d + c];
      }
      double mu = sum / d;
      double var = 0;
      for (int c = 0; c < d; c++) {
        double centred = x[r * d + c] - mu;
        var += centred * centred;
      }
      double rs = 1 / Math.sqrt(var / d + eps);
      mean[r] = mu;
      rstd[r] = rs;
      for (int c = 0; c < d; c++) {
        double w = weight == null ? 1 : weight[c];
        double b = bias == null ? 0 : bias[c];
        y[r * d + c] = (x[r * d + c] - mu) * rs * w + b;
      }
    }
    return new Forward(y, mean, rstd);
  }

  /**
   * The gradients for {@code gy}, from the rows' {@code mean} and {@code rstd} as the forward
   * computed them.
   */
  static Gradients backward(
      double[] gy, double[] x, double[] weight, double[] mean, double[] rstd, int rows, int d) {
    double[] gx = new double[rows * d];
    double[] gw = new double[d];
    double[] gb = new double[d];
    for (int r = 0; r < rows; r++) {
      double mu = mean[r];
      double rs = rstd[r];
      double meanG = 0;
      double meanGx = 0;
      for (int c = 0; c < d; c++) {
        double xhat = (x[r * d + c] - mu) * rs;
        double g = gy[r * d + c] * (weight == null ? 1 : weight[c]);
        meanG += g;
        meanGx += g * xhat;
        gw[c] += gy[r * d + c] * xhat;
        gb[c] += gy[r * d + c];
      }
      meanG /= d;
      meanGx /= d;
      for (int c = 0; c < d; c++) {
        double xhat = (x[r * d + c] - mu) * rs;
        double g = gy[r * d + c] * (weight == null ? 1 : weight[c]);
        gx[r * d + c] = rs * (g - meanG - xhat * meanGx);
      }
    }
    return new Gradients(gx, gw, gb);
  }
}

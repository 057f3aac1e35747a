package dev.heed.testkit;

/**
 * Batch normalisation in training mode in float64 on the host, written from {@code
 * FusedBatchNorm}'s Javadoc (PyTorch's {@code nn.BatchNorm1d}/{@code 2d} from the batch's
 * statistics, biased variance): the expected values of {@link FusedBatchNormContract}. Arrays are
 * dense {@code [n, c, s]} and {@code [c]}; a null weight is ones and a null bias zeros. Each
 * channel's statistics run over its {@code n·s} values in two passes (mean, then the centred
 * squares), so a large mean costs no digits.
 */
final class BatchNormOracle {
  private BatchNormOracle() {}

  /** What the forward writes: {@code y [n, c, s]}, {@code mean [c]}, {@code var [c]} (biased). */
  record Forward(double[] y, double[] mean, double[] var) {}

  /** The gradients {@code gx [n, c, s]}, {@code gWeight [c]} and {@code gBias [c]}. */
  record Gradients(double[] gx, double[] gWeight, double[] gBias) {}

  static Forward forward(
      double[] x, double[] weight, double[] bias, int n, int c, int s, double eps) {
    double[] y = new double[n * c * s];
    double[] mean = new double[c];
    double[] var = new double[c];
    double count = (double) n * s;
    for (int ch = 0; ch < c; ch++) {
      double sum = 0;
      for (int b = 0; b < n; b++) {
        for (int p = 0; p < s; p++) {
          sum += x[(b * c + ch) * s + p];
        }
      }
      double mu = sum / count;
      double squares = 0;
      for (int b = 0; b < n; b++) {
        for (int p = 0; p < s; p++) {
          double centred = x[(b * c + ch) * s + p] - mu;
          squares += centred * centred;
        }
      }
      mean[ch] = mu;
      var[ch] = squares / count;
      double rstd = 1 / Math.sqrt(var[ch] + eps);
      double w = weight == null ? 1 : weight[ch];
      double sh = bias == null ? 0 : bias[ch];
      for (int b = 0; b < n; b++) {
        for (int p = 0; p < s; p++) {
          int e = (b * c + ch) * s + p;
          y[e] = (x[e] - mu) * rstd * w + sh;
        }
      }
    }
    return new Forward(y, mean, var);
  }

  /**
   * The gradients for {@code gy}, from the channels' {@code mean} and {@code var} as the forward
   * computed them. With {@code x̂ = (x - mean)·rstd} and {@code g = gy·weight}, the statistics' own
   * gradients give {@code gx = rstd·(g - mean(g) - x̂·mean(g·x̂))}, the means over the channel's
   * {@code n·s} values.
   */
  static Gradients backward(
      double[] gy,
      double[] x,
      double[] weight,
      double[] mean,
      double[] var,
      int n,
      int c,
      int s,
      double eps) {
    double[] gx = new double[n * c * s];
    double[] gw = new double[c];
    double[] gb = new double[c];
    double count = (double) n * s;
    for (int ch = 0; ch < c; ch++) {
      double rstd = 1 / Math.sqrt(var[ch] + eps);
      double w = weight == null ? 1 : weight[ch];
      double sumGy = 0;
      double sumGyXhat = 0;
      for (int b = 0; b < n; b++) {
        for (int p = 0; p < s; p++) {
          int e = (b * c + ch) * s + p;
          double xhat = (x[e] - mean[ch]) * rstd;
          sumGy += gy[e];
          sumGyXhat += gy[e] * xhat;
        }
      }
      gw[ch] = sumGyXhat;
      gb[ch] = sumGy;
      double meanG = w * sumGy / count;
      double meanGXhat = w * sumGyXhat / count;
      for (int b = 0; b < n; b++) {
        for (int p = 0; p < s; p++) {
          int e = (b * c + ch) * s + p;
          double xhat = (x[e] - mean[ch]) * rstd;
          gx[e] = rstd * (gy[e] * w - meanG - xhat * meanGXhat);
        }
      }
    }
    return new Gradients(gx, gw, gb);
  }
}

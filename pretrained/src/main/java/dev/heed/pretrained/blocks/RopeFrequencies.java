package dev.heed.pretrained.blocks;

/**
 * The inverse frequencies of rotary embeddings as Hugging Face's {@code modeling_rope_utils}
 * computes them, in double precision: the default {@code θ^(-2i/d)}, {@code linear} scaling
 * (divided by a factor) and {@code llama3} scaling (low frequencies divided by the factor, high
 * ones kept, a smooth blend between).
 */
public final class RopeFrequencies {
  private RopeFrequencies() {}

  /** {@code 1 / θ^(2i/d)} for {@code i < d/2}. */
  public static double[] standard(double theta, int headDim) {
    double[] f = new double[headDim / 2];
    for (int i = 0; i < f.length; i++) {
      f[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
    }
    return f;
  }

  /** {@code standard(θ, d) / factor}. */
  public static double[] linear(double theta, int headDim, double factor) {
    double[] f = standard(theta, headDim);
    for (int i = 0; i < f.length; i++) {
      f[i] /= factor;
    }
    return f;
  }

  /**
   * Llama 3's scaling: wavelengths longer than {@code original / lowFreqFactor} are divided by
   * {@code factor}, those shorter than {@code original / highFreqFactor} kept, and those between
   * blended linearly in {@code original / wavelength}.
   */
  public static double[] llama3(
      double theta,
      int headDim,
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      double originalMaxPositions) {
    double[] f = standard(theta, headDim);
    double lowWavelength = originalMaxPositions / lowFreqFactor;
    double highWavelength = originalMaxPositions / highFreqFactor;
    for (int i = 0; i < f.length; i++) {
      double wavelength = 2 * Math.PI / f[i];
      double scaled = wavelength > lowWavelength ? f[i] / factor : f[i];
      if (!(wavelength < highWavelength) && !(wavelength > lowWavelength)) {
        double smooth =
            (originalMaxPositions / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        scaled = (1 - smooth) * scaled / factor + smooth * scaled;
      }
      f[i] = scaled;
    }
    return f;
  }
}

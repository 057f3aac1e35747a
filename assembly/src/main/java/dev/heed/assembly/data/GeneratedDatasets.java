package dev.heed.assembly.data;

import dev.heed.assembly.config.DataConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in generated data sets. Each is a pure function of the config and the seed.
 *
 * <ul>
 *   <li>{@code seed-regression}, the seed's task: inputs uniform in [-1, 1], targets from a fixed
 *       random teacher network {@code inputs → inputs tanh → outputs} (weights normal with
 *       deviation 1/√fan-in), plus normal noise of {@code noise}.
 *   <li>{@code feature-selection}: inputs uniform in [-1, 1]; one target {@code y = 2·x1 − 1.5·x4 +
 *       x7·|x7| + noise}: only features 1, 4 and 7 matter, so feature attention should learn to
 *       look at them.
 * </ul>
 *
 * Sequence tasks (copy, reverse, sort) are meant to be added here as further factories.
 */
public final class GeneratedDatasets {
  /** The features that matter in {@code feature-selection}. */
  public static final int[] RELEVANT = {1, 4, 7};

  private GeneratedDatasets() {}

  /** {@code seed-regression}. */
  public static Dataset seedRegression(DataConfig c, long seed) {
    int in = c.inputs();
    int out = c.outputs();
    int hidden = in;
    SplittableRandom teacher = new SplittableRandom(Batches.mix(seed, 101));
    double[] w1 = normal(teacher, hidden * in, 1 / Math.sqrt(in));
    double[] b1 = normal(teacher, hidden, 0.1);
    double[] w2 = normal(teacher, out * hidden, 1 / Math.sqrt(hidden));
    double[] b2 = normal(teacher, out, 0.1);
    SplittableRandom r = new SplittableRandom(Batches.mix(seed, 102));
    int width = in + out;
    float[] rows = new float[c.examples() * width];
    double[] x = new double[in];
    double[] h = new double[hidden];
    for (int n = 0; n < c.examples(); n++) {
      for (int i = 0; i < in; i++) {
        x[i] = r.nextDouble(-1, 1);
        rows[n * width + i] = (float) x[i];
      }
      for (int j = 0; j < hidden; j++) {
        double s = b1[j];
        for (int i = 0; i < in; i++) {
          s += w1[j * in + i] * x[i];
        }
        h[j] = Math.tanh(s);
      }
      for (int k = 0; k < out; k++) {
        double s = b2[k];
        for (int j = 0; j < hidden; j++) {
          s += w2[k * hidden + j] * h[j];
        }
        rows[n * width + in + k] = (float) (s + c.noise() * gaussian(r));
      }
    }
    return new ArrayDataset(names("x", in), names("y", out), false, rows);
  }

  /** {@code feature-selection}. */
  public static Dataset featureSelection(DataConfig c, long seed) {
    int in = c.inputs();
    SplittableRandom r = new SplittableRandom(Batches.mix(seed, 201));
    int width = in + 1;
    float[] rows = new float[c.examples() * width];
    double[] x = new double[in];
    for (int n = 0; n < c.examples(); n++) {
      for (int i = 0; i < in; i++) {
        x[i] = r.nextDouble(-1, 1);
        rows[n * width + i] = (float) x[i];
      }
      double y = 2 * x[1] - 1.5 * x[4] + x[7] * Math.abs(x[7]) + c.noise() * gaussian(r);
      rows[n * width + in] = (float) y;
    }
    return new ArrayDataset(names("x", in), List.of("y"), false, rows);
  }

  private static List<String> names(String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(prefix + i);
    }
    return names;
  }

  private static double[] normal(SplittableRandom r, int n, double std) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = gaussian(r) * std;
    }
    return v;
  }

  private static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}

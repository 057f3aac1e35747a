package dev.heed.assembly.data;

import dev.heed.core.data.Dataset;
import dev.heed.core.data.SequenceLayout;
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
 *   <li>{@code marked-token-recall}: token sequences of a random length in [{@code min_length},
 *       {@code max_length}], padded with 0 to {@code max_length}; every position holds a random
 *       token in {@code 2 … vocabulary-1} except one random position (not the last) holding the
 *       marker {@code 1}. The target is the class of the token right after the marker.
 *   <li>{@code digit-reversal}: digit sequences (digit d is token d+1, 0 is padding) of a random
 *       length in [{@code min_length}, {@code max_length}]; the target at position t is the token
 *       at position {@code length-1-t}, and padded positions have no target.
 * </ul>
 */
public final class GeneratedDatasets {
  /** The features that matter in {@code feature-selection}. */
  public static final int[] RELEVANT = {1, 4, 7};

  private GeneratedDatasets() {}

  /**
   * The sizes of a generated data set.
   *
   * @param examples how many examples
   * @param inputs input features (flat data sets)
   * @param outputs targets (flat data sets)
   * @param noise standard deviation of target noise (flat data sets)
   * @param vocabulary token ids including padding 0 (sequence tasks)
   * @param minLength the shortest sequence (sequence tasks)
   * @param maxLength the longest sequence, the padded length (sequence tasks)
   * @param classes the class names of a token (sequence tasks)
   */
  public record Spec(
      int examples,
      int inputs,
      int outputs,
      double noise,
      int vocabulary,
      int minLength,
      int maxLength,
      List<String> classes) {
    /** Copies. */
    public Spec {
      classes = List.copyOf(classes);
    }

    /** These sizes with no examples (the names and layout alone, generated at once). */
    public Spec empty() {
      return new Spec(0, inputs, outputs, noise, vocabulary, minLength, maxLength, classes);
    }
  }

  /** {@code seed-regression}. */
  public static Dataset seedRegression(Spec c, long seed) {
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
  public static Dataset featureSelection(Spec c, long seed) {
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

  /** {@code marked-token-recall}. */
  public static Dataset markedTokenRecall(Spec c, long seed) {
    int v = c.vocabulary();
    int t = c.maxLength();
    SequenceLayout layout = new SequenceLayout(t, v, false);
    SplittableRandom r = new SplittableRandom(Batches.mix(seed, 301));
    int width = t + layout.targetWidth();
    float[] rows = new float[c.examples() * width];
    for (int n = 0; n < c.examples(); n++) {
      int at = n * width;
      int length = c.minLength() + r.nextInt(c.maxLength() - c.minLength() + 1);
      for (int i = 0; i < length; i++) {
        rows[at + i] = 2 + r.nextInt(v - 2);
      }
      int marker = r.nextInt(length - 1);
      rows[at + marker] = 1;
      int target = (int) rows[at + marker + 1];
      rows[at + t + target] = 1;
    }
    return new SequenceDataset(new ArrayDataset(names("t", t), c.classes(), true, rows), layout);
  }

  /** {@code digit-reversal}. */
  public static Dataset digitReversal(Spec c, long seed) {
    int v = c.vocabulary();
    int t = c.maxLength();
    SequenceLayout layout = new SequenceLayout(t, v, true);
    SplittableRandom r = new SplittableRandom(Batches.mix(seed, 401));
    int width = t + layout.targetWidth();
    float[] rows = new float[c.examples() * width];
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < t; i++) {
      for (String k : c.classes()) {
        outputs.add("y" + i + "=" + k);
      }
    }
    for (int n = 0; n < c.examples(); n++) {
      int at = n * width;
      int length = c.minLength() + r.nextInt(c.maxLength() - c.minLength() + 1);
      for (int i = 0; i < length; i++) {
        rows[at + i] = 1 + r.nextInt(10);
      }
      for (int i = 0; i < length; i++) {
        int token = (int) rows[at + length - 1 - i];
        rows[at + t + i * v + token] = 1;
      }
    }
    return new SequenceDataset(new ArrayDataset(names("t", t), outputs, true, rows), layout);
  }

  /**
   * The names and layout of the data set {@code generator} makes for {@code c}, without generating
   * anything (a teacher network of a large input is itself large).
   */
  static Dataset shape(String name, Spec c) {
    return switch (name) {
      case "seed-regression" ->
          new ArrayDataset(names("x", c.inputs()), names("y", c.outputs()), false, new float[0]);
      case "feature-selection" ->
          new ArrayDataset(names("x", c.inputs()), List.of("y"), false, new float[0]);
      case "marked-token-recall" ->
          new SequenceDataset(
              new ArrayDataset(names("t", c.maxLength()), c.classes(), true, new float[0]),
              new SequenceLayout(c.maxLength(), c.vocabulary(), false));
      case "digit-reversal" -> digitReversal(c.empty(), 0);
      default -> throw new IllegalArgumentException("no generated data set '" + name + "'");
    };
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

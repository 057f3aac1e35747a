package com.example.heed.dataset;

import dev.heed.core.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code arms} interleaved spirals. Example {@code i} lies on arm {@code k = i mod arms} at radius
 * {@code r} drawn uniformly from (0, 1]:
 *
 * <pre>
 * θ = 2π·turns·r + 2π·k/arms
 * x = r·cos θ + noise·N(0, 1)
 * y = r·sin θ + noise·N(0, 1)
 * </pre>
 *
 * Inputs {@code x, y}; targets one-hot over the arms ({@code arm0}, {@code arm1}, …). The draws come
 * from a {@link SplittableRandom} seeded by the run's seed, so every pass, and every data set made
 * with the same seed and options, gives the same rows.
 *
 * @param examples how many points
 * @param arms how many arms (classes)
 * @param turns turns of each arm
 * @param noise standard deviation of the noise on each coordinate
 * @param seed the run's seed
 */
record Spirals(int examples, int arms, double turns, double noise, long seed) implements Dataset {

  @Override
  public List<String> inputNames() {
    return List.of("x", "y");
  }

  @Override
  public List<String> outputNames() {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < arms; k++) {
      names.add("arm" + k);
    }
    return names;
  }

  @Override
  public boolean classification() {
    return true;
  }

  @Override
  public long size() {
    return examples;
  }

  @Override
  public RowReader open() {
    SplittableRandom random = new SplittableRandom(seed);
    return new RowReader() {
      private int next;

      @Override
      public boolean next(float[] row) {
        if (next == examples) {
          return false;
        }
        int arm = next % arms;
        double r = 1 - random.nextDouble(); // (0, 1]
        double theta = 2 * Math.PI * (turns * r + arm / (double) arms);
        row[0] = (float) (r * Math.cos(theta) + noise * gaussian(random));
        row[1] = (float) (r * Math.sin(theta) + noise * gaussian(random));
        for (int k = 0; k < arms; k++) {
          row[2 + k] = k == arm ? 1 : 0;
        }
        next++;
        return true;
      }

      @Override
      public void close() {}
    };
  }

  /** A standard normal draw (Box–Muller, one of the pair). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

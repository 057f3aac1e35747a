package dev.heed.testkit;

import dev.heed.core.backend.CounterRandom;

/** Deterministic host data for the contracts, drawn from {@link CounterRandom} streams. */
final class Samples {
  private Samples() {}

  /** {@code n} values uniform on {@code [lo, hi)} from stream {@code seed}. */
  static double[] uniform(long seed, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * CounterRandom.uniform(seed, i);
    }
    return v;
  }

  /** {@code n} standard normal values from stream {@code seed}. */
  static double[] normal(long seed, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = CounterRandom.normal(seed, i);
    }
    return v;
  }

  /** Uniform on {@code ±[lo, hi)} with random signs: never within {@code lo} of 0. */
  static double[] awayFromZero(long seed, int n, double lo, double hi) {
    double[] v = uniform(seed, n, lo, hi);
    for (int i = 0; i < n; i++) {
      if (CounterRandom.uniform(seed ^ 0x51_6E_5EEDL, i) < 0.5) {
        v[i] = -v[i];
      }
    }
    return v;
  }

  /** Each value rounded to float32 and back, so both types see the same numbers. */
  static double[] float32(double[] values) {
    double[] v = new double[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) values[i];
    }
    return v;
  }

  /** {@code values} repeated cyclically to length {@code n}. */
  static double[] tile(double[] values, long n) {
    if (values.length == 0 && n > 0) {
      throw new IllegalArgumentException("no sample values to fill " + n + " elements");
    }
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = values[i % values.length];
    }
    return v;
  }

  /** The product of the extents. */
  static int size(int... dims) {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return Math.toIntExact(n);
  }
}

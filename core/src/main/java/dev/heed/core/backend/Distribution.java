package dev.heed.core.backend;

/**
 * Distributions of {@link Backend#random}. Parameters {@code a} and {@code b} mean: UNIFORM on
 * {@code [a, b)}; NORMAL with mean {@code a} and standard deviation {@code b}; BERNOULLI gives 1
 * with probability {@code a}, else 0 ({@code b} ignored).
 *
 * <p>Every backend draws the same numbers for the same seed and element index, as defined by {@link
 * CounterRandom}, so that a run is reproducible across backends (to float32 rounding).
 */
public enum Distribution {
  /** Uniform on {@code [a, b)}. */
  UNIFORM,
  /** Normal with mean {@code a} and standard deviation {@code b}. */
  NORMAL,
  /** 1 with probability {@code a}, else 0. */
  BERNOULLI;

  /** The reference value of element {@code index} of the stream {@code seed}. */
  public double sample(long seed, long index, double a, double b) {
    return switch (this) {
      case UNIFORM -> a + (b - a) * CounterRandom.uniform(seed, index);
      case NORMAL -> a + b * CounterRandom.normal(seed, index);
      case BERNOULLI -> CounterRandom.uniform(seed, index) < a ? 1.0 : 0.0;
    };
  }
}

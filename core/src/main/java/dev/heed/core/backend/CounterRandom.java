package dev.heed.core.backend;

/**
 * The counter-based random numbers every backend must produce: the value of element {@code i} of
 * stream {@code seed} depends only on {@code (seed, i)}, so kernels can fill buffers in parallel,
 * in any order, on any device, and still agree.
 *
 * <p>Bits are SplitMix64's output function applied to {@code seed + (i + 1)·γ} with γ the golden
 * ratio constant {@code 0x9E3779B97F4A7C15}. Uniforms take the top 53 bits. Normals use the
 * Box–Muller transform of the uniforms at counters {@code 2i} and {@code 2i + 1}. Stateless and
 * thread-safe.
 */
public final class CounterRandom {
  private static final long GAMMA = 0x9E3779B97F4A7C15L;

  private CounterRandom() {}

  /** 64 random bits for counter {@code index} of stream {@code seed}. */
  public static long bits(long seed, long index) {
    long z = seed + (index + 1) * GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform double on {@code [0, 1)}. */
  public static double uniform(long seed, long index) {
    return (bits(seed, index) >>> 11) * 0x1.0p-53;
  }

  /** A standard normal double. */
  public static double normal(long seed, long index) {
    double u1 = 1.0 - uniform(seed, 2 * index); // (0, 1]
    double u2 = uniform(seed, 2 * index + 1);
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** A new seed derived from {@code seed} and a stream number, for independent sub-streams. */
  public static long derive(long seed, long stream) {
    return bits(seed ^ 0x5DEECE66DL, stream);
  }
}

package dev.heed.backend.simd;

import dev.heed.core.backend.CounterRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The dropout factors of {@link SimdFlashAttention}: for consecutive elements of the counter-based
 * stream, {@code keptFactor} where the Bernoulli draw keeps the weight, else 0 — the draws of
 * {@link CounterRandom} (SplitMix64 of {@code seed + (index + 1)·γ}) computed a vector of counters
 * at a time. A draw keeps when {@code uniform = (bits >>> 11)·2⁻⁵³ < keep}, that is when the
 * integer {@code bits >>> 11} is below {@code ⌈keep·2⁵³⌉} (scaling by a power of two is exact), so
 * the integer comparison keeps exactly the weights that {@code AttentionProblem.kept} keeps.
 */
final class SimdFlashDropout {
  private static final VectorSpecies<Float> S = SimdFlashGemm.S;
  private static final int L = SimdFlashGemm.L;

  /** Longs of the same vector size: half as many lanes as floats. */
  private static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;

  private static final int HALF = LS.length();
  private static final long GAMMA = 0x9E3779B97F4A7C15L;
  private static final long MIX1 = 0xBF58476D1CE4E5B9L;
  private static final long MIX2 = 0x94D049BB133111EBL;

  /** {@code j·γ} in lane {@code j}. */
  private static final LongVector STEPS = steps();

  /** Whether the long vectors have exactly half the float lanes (else draws are scalar). */
  private static final boolean VECTOR = HALF * 2 == L && HALF <= 32;

  private SimdFlashDropout() {}

  private static LongVector steps() {
    long[] s = new long[HALF];
    for (int j = 0; j < HALF; j++) {
      s[j] = j * GAMMA;
    }
    return LongVector.fromArray(LS, s, 0);
  }

  /** The integer bound of a kept draw for the keep probability {@code keep}: {@code ⌈keep·2⁵³⌉}. */
  static long keptBelow(double keep) {
    return (long) Math.ceil(keep * 0x1p53);
  }

  /**
   * Writes the factors of stream elements {@code index…index+n} of {@code seed} into {@code
   * z[base…base+n)}.
   *
   * @param keptBelow {@link #keptBelow} of the keep probability
   */
  static void factors(
      long seed, long keptBelow, float keptFactor, long index, int n, float[] z, int base) {
    long first = seed + (index + 1) * GAMMA;
    int j = 0;
    if (VECTOR) {
      FloatVector kept = FloatVector.broadcast(S, keptFactor);
      FloatVector dropped = FloatVector.zero(S);
      for (int full = S.loopBound(n); j < full; j += L) {
        LongVector lo = STEPS.add(first + j * GAMMA);
        LongVector hi = STEPS.add(first + (j + HALF) * GAMMA);
        long bits = keeps(lo, keptBelow) | keeps(hi, keptBelow) << HALF;
        dropped.blend(kept, VectorMask.fromLong(S, bits)).intoArray(z, base + j);
      }
    }
    for (; j < n; j++) {
      z[base + j] = keeps(first + j * GAMMA, keptBelow) ? keptFactor : 0f;
    }
  }

  /** The lanes whose draw keeps, as the low bits of a long. */
  private static long keeps(LongVector x, long keptBelow) {
    x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 30)).mul(MIX1);
    x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 27)).mul(MIX2);
    x = x.lanewise(VectorOperators.XOR, x.lanewise(VectorOperators.LSHR, 31));
    return x.lanewise(VectorOperators.LSHR, 11).lt(keptBelow).toLong();
  }

  private static boolean keeps(long z, long keptBelow) {
    z = (z ^ (z >>> 30)) * MIX1;
    z = (z ^ (z >>> 27)) * MIX2;
    z = z ^ (z >>> 31);
    return (z >>> 11) < keptBelow;
  }
}

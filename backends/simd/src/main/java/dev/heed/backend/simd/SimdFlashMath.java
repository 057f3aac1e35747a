package dev.heed.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exponential and the lane sum of {@link SimdFlashAttention}, built only from lanewise
 * operations whose results Java specifies exactly (add, multiply, fused multiply-add, max, min,
 * integer bit operations, lane moves). The Vector API's own {@code EXP} and {@code ADD} reduction
 * may give different bits once compiled (an intrinsic with its own rounding and summation order)
 * than before; these give the same bits on every thread and at every stage of compilation, so a
 * call's results do not depend on which thread ran which task, or when.
 */
final class SimdFlashMath {
  private static final VectorSpecies<Float> S = SimdFlashGemm.S;
  private static final int L = SimdFlashGemm.L;

  private static final float LOG2E = 1.44269504088896341f;

  /** {@code ln 2} split in two: the first has few mantissa bits, so {@code n·LN2_HI} is exact. */
  private static final float LN2_HI = 0.693359375f;

  private static final float LN2_LO = -2.12194440e-4f;

  /** {@code 1.5·2²³}: adding it rounds to an integer, held in the low bits of the mantissa. */
  private static final float ROUNDER = 12582912f;

  private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

  /** Below it exp underflows to 0 here (the exponent {@code n} reaches -127); above, overflow. */
  private static final float LOW = -88f;

  private static final float HIGH = 88f;

  private static final float P0 = 1.9875691500e-4f;
  private static final float P1 = 1.3981999507e-3f;
  private static final float P2 = 8.3334519073e-3f;
  private static final float P3 = 4.1665795894e-2f;
  private static final float P4 = 1.6666665459e-1f;
  private static final float P5 = 5.0000001201e-1f;

  /**
   * Rotations by half, a quarter, an eighth and a sixteenth of the lanes (8, 4, 2 and 1 lanes of a
   * 16-lane vector), for {@link #sum}; null where the vector has too few lanes. Constants, and used
   * without a loop, so that the compiled code keeps the vector in a register.
   */
  private static final VectorShuffle<Float> BY_2 = rotation(2);

  private static final VectorShuffle<Float> BY_4 = rotation(4);
  private static final VectorShuffle<Float> BY_8 = rotation(8);
  private static final VectorShuffle<Float> BY_16 = rotation(16);

  private SimdFlashMath() {}

  private static VectorShuffle<Float> rotation(int part) {
    return L >= part ? VectorShuffle.iota(S, L / part, 1, true) : null;
  }

  /**
   * {@code e^x} per lane, within about 2 ulp (the Cephes {@code expf} reduction and polynomial):
   * {@code x = n·ln 2 + r} with {@code |r| <= ln 2 / 2}, {@code e^r} by a polynomial, times {@code
   * 2ⁿ} built in the exponent bits. {@code -∞} and anything below about -87.7 give 0 (no subnormal
   * results), NaN gives NaN; inputs above 88 are taken as 88.
   */
  static FloatVector exp(FloatVector x) {
    // a compare and a blend each (the MAX and MIN operations order NaN and signed zeros as
    // Math.max does, in longer compiled code); the same results for every input
    FloatVector low = FloatVector.broadcast(S, LOW);
    FloatVector high = FloatVector.broadcast(S, HIGH);
    FloatVector v = x.blend(low, x.lt(low));
    v = v.blend(high, v.compare(VectorOperators.GT, high));
    FloatVector t = v.fma(LOG2E, ROUNDER);
    FloatVector n = t.sub(ROUNDER);
    FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), v);
    r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
    FloatVector z = r.mul(r);
    FloatVector y = r.fma(P0, P1);
    y = y.fma(r, FloatVector.broadcast(S, P2));
    y = y.fma(r, FloatVector.broadcast(S, P3));
    y = y.fma(r, FloatVector.broadcast(S, P4));
    y = y.fma(r, FloatVector.broadcast(S, P5));
    y = y.fma(z, r).add(1f);
    IntVector bits =
        t.reinterpretAsInts().sub(ROUNDER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
    return y.mul(bits.reinterpretAsFloats());
  }

  private static final float SQRT_HALF = 0.707106781186547524f;
  private static final float Q0 = 7.0376836292e-2f;
  private static final float Q1 = -1.1514610310e-1f;
  private static final float Q2 = 1.1676998740e-1f;
  private static final float Q3 = -1.2420140846e-1f;
  private static final float Q4 = 1.4249322787e-1f;
  private static final float Q5 = -1.6668057665e-1f;
  private static final float Q6 = 2.0000714765e-1f;
  private static final float Q7 = -2.4999993993e-1f;
  private static final float Q8 = 3.3333331174e-1f;

  /**
   * The natural logarithm per lane of positive normal floats, within about 2 ulp (the Cephes {@code
   * logf} reduction and polynomial): {@code x = 2ᵉ·m} with {@code m} in {@code [√½, √2)}, {@code
   * log x = e·ln 2 + log m}, {@code log m} by a polynomial in {@code m - 1}.
   */
  static FloatVector log(FloatVector x) {
    IntVector bits = x.reinterpretAsInts();
    IntVector e = bits.lanewise(VectorOperators.LSHR, 23).sub(126);
    FloatVector m =
        bits.and(0x007fffff).or(0x3f000000).reinterpretAsFloats(); // [0.5, 1): x = 2^e·m
    VectorMask<Float> low = m.lt(SQRT_HALF);
    FloatVector ef = (FloatVector) e.convert(VectorOperators.I2F, 0);
    ef = ef.sub(FloatVector.broadcast(S, 1f), low);
    m = m.add(m.blend(0f, low.not())).sub(1f); // 2m - 1 where m < √½, else m - 1
    FloatVector z = m.mul(m);
    FloatVector y = m.fma(Q0, Q1);
    y = y.fma(m, FloatVector.broadcast(S, Q2));
    y = y.fma(m, FloatVector.broadcast(S, Q3));
    y = y.fma(m, FloatVector.broadcast(S, Q4));
    y = y.fma(m, FloatVector.broadcast(S, Q5));
    y = y.fma(m, FloatVector.broadcast(S, Q6));
    y = y.fma(m, FloatVector.broadcast(S, Q7));
    y = y.fma(m, FloatVector.broadcast(S, Q8));
    y = y.mul(m).mul(z);
    y = ef.fma(FloatVector.broadcast(S, LN2_LO), y);
    y = z.fma(FloatVector.broadcast(S, -0.5f), y);
    return ef.fma(FloatVector.broadcast(S, LN2_HI), m.add(y));
  }

  /** The sum of the lanes, always added in the same tree order (up to 32 lanes). */
  static float sum(FloatVector v) {
    if (L >= 32) {
      v = v.add(v.rearrange(VectorShuffle.iota(S, L / 32, 1, true)));
    }
    if (L >= 16) {
      v = v.add(v.rearrange(BY_16));
    }
    if (L >= 8) {
      v = v.add(v.rearrange(BY_8));
    }
    if (L >= 4) {
      v = v.add(v.rearrange(BY_4));
    }
    if (L >= 2) {
      v = v.add(v.rearrange(BY_2));
    }
    return v.lane(0);
  }

  /**
   * The largest lane, by the same rotations as {@link #sum}, each a compare and a blend (shorter
   * compiled code than the {@code MAX} reduction, which orders NaN and signed zeros as {@code
   * Math.max} does; here a NaN lane may or may not win, which the callers do not mind: a NaN score
   * makes its row's sum NaN either way).
   */
  static float max(FloatVector v) {
    if (L >= 32) {
      v = larger(v, v.rearrange(VectorShuffle.iota(S, L / 32, 1, true)));
    }
    if (L >= 16) {
      v = larger(v, v.rearrange(BY_16));
    }
    if (L >= 8) {
      v = larger(v, v.rearrange(BY_8));
    }
    if (L >= 4) {
      v = larger(v, v.rearrange(BY_4));
    }
    if (L >= 2) {
      v = larger(v, v.rearrange(BY_2));
    }
    return v.lane(0);
  }

  /** {@code y} where {@code x < y}, else {@code x}. */
  static FloatVector larger(FloatVector x, FloatVector y) {
    return x.blend(y, x.lt(y));
  }
}

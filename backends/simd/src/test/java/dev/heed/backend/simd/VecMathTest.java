package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VecMath}: its exponential and logarithm are within 1 ulp of float64 {@code Math.exp} and
 * {@code Math.log} rounded to float, with the same special values, and its vector functions give
 * exactly the bits of their scalar copies ({@link VecMathCopy}) before and after the JIT compiles
 * them.
 */
class VecMathTest {
  private static final int L = VecMath.L;

  /** Inputs that reach every branch: specials, the clamps, subnormals, the overflow edge. */
  static final float[] SPECIAL = {
    0f,
    -0f,
    1f,
    -1f,
    0.5f,
    2f,
    Float.NaN,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MIN_NORMAL,
    0x1.fffffcp-127f,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    88.72283f,
    88.72284f,
    88.7229f,
    89f,
    89.5f,
    -87.33654f,
    -87.5f,
    -100f,
    -103.97f,
    -103.98f,
    -104f,
    -105f,
    0.70710677f,
    0.7071068f,
    1.4142135f,
    1.4142137f,
    1e-10f,
    -1e-10f,
    1.0000001f,
    0.99999994f,
    20f,
    -20f,
  };

  /** {@code SPECIAL}, then {@code n} random floats of all magnitudes and signs. */
  static float[] inputs(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[SPECIAL.length + n];
    System.arraycopy(SPECIAL, 0, x, 0, SPECIAL.length);
    for (int i = SPECIAL.length; i < x.length; i++) {
      x[i] =
          switch (i % 3) {
            case 0 -> Float.intBitsToFloat(r.nextInt());
            case 1 -> (float) (r.nextDouble() * 220 - 110);
            default -> (float) (r.nextDouble() * 10 - 5);
          };
    }
    return x;
  }

  /** The distance in ulps between two floats (0 for two NaNs, huge for one NaN). */
  static long ulps(float a, float b) {
    if (Float.isNaN(a) || Float.isNaN(b)) {
      return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
    }
    long ia = Float.floatToRawIntBits(a);
    long ib = Float.floatToRawIntBits(b);
    ia = ia < 0 ? Integer.MIN_VALUE - ia : ia;
    ib = ib < 0 ? Integer.MIN_VALUE - ib : ib;
    return Math.abs(ia - ib);
  }

  private static void vectorExp(float[] x, float[] y) {
    for (int i = 0; i < x.length; i += L) {
      VecMath.exp(FloatVector.fromArray(VecMath.S, x, i)).intoArray(y, i);
    }
  }

  private static void vectorLog(float[] x, float[] y) {
    for (int i = 0; i < x.length; i += L) {
      VecMath.log(FloatVector.fromArray(VecMath.S, x, i)).intoArray(y, i);
    }
  }

  private static void assertBits(String what, float[] x, float[] actual, float[] expected) {
    for (int i = 0; i < x.length; i++) {
      assertEquals(
          Float.floatToIntBits(expected[i]),
          Float.floatToIntBits(actual[i]),
          what + "(" + x[i] + "): expected " + expected[i] + ", got " + actual[i]);
    }
  }

  @Test
  void expIsWithinOneUlpOfTheFloat64ExpRounded() {
    float[] x = inputs(1, 400_000);
    for (float v : x) {
      float expected = (float) Math.exp(v);
      float actual = VecMathCopy.exp(v);
      assertTrue(ulps(actual, expected) <= 1, "exp(" + v + ") = " + actual + ", not " + expected);
    }
  }

  @Test
  void logIsWithinOneUlpOfTheFloat64LogRounded() {
    float[] x = inputs(2, 400_000);
    for (float v : x) {
      float expected = (float) Math.log(v);
      float actual = VecMathCopy.log(v);
      assertTrue(ulps(actual, expected) <= 1, "log(" + v + ") = " + actual + ", not " + expected);
    }
  }

  @Test
  void specialResultsAreExactlyThoseOfTheFloat64Functions() {
    for (float v : inputs(5, 100_000)) {
      float e = (float) Math.exp(v);
      if (Float.isNaN(e) || Float.isInfinite(e) || e == 0 || e == 1) {
        assertEquals(
            Float.floatToIntBits(e), Float.floatToIntBits(VecMathCopy.exp(v)), "exp(" + v + ")");
      }
      float l = (float) Math.log(v);
      if (Float.isNaN(l) || Float.isInfinite(l) || l == 0) {
        assertEquals(
            Float.floatToIntBits(l), Float.floatToIntBits(VecMathCopy.log(v)), "log(" + v + ")");
      }
    }
    assertEquals(0f, VecMathCopy.exp(Float.NEGATIVE_INFINITY));
    assertEquals(0f, VecMathCopy.exp(-104f));
    assertEquals(Float.MIN_VALUE, VecMathCopy.exp(-103.9f));
    assertEquals(Float.POSITIVE_INFINITY, VecMathCopy.exp(88.73f));
    assertTrue(VecMathCopy.exp(88.72f) < Float.POSITIVE_INFINITY);
    assertEquals(Float.NEGATIVE_INFINITY, VecMathCopy.log(-0f));
    assertEquals(0f, VecMathCopy.log(1f));
    assertTrue(Float.isNaN(VecMathCopy.log(Float.NEGATIVE_INFINITY)));
    assertTrue(Float.isNaN(VecMathCopy.log(-Float.MIN_VALUE)));
  }

  @Test
  void vectorExpAndLogAreTheirScalarCopiesBitForBitColdAndCompiled() {
    float[] x = inputs(3, 64 * L - SPECIAL.length);
    float[] expectedExp = new float[x.length];
    float[] expectedLog = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      expectedExp[i] = VecMathCopy.exp(x[i]);
      expectedLog[i] = VecMathCopy.log(x[i]);
    }
    float[] y = new float[x.length];
    for (int round = 0; round < 5_000; round++) {
      vectorExp(x, y);
      if (round == 0 || round == 4_999) {
        assertBits("exp", x, y, expectedExp);
      }
      vectorLog(x, y);
      if (round == 0 || round == 4_999) {
        assertBits("log", x, y, expectedLog);
      }
    }
  }

  @Test
  void sumAddsTheLanesInItsTreeOrderColdAndCompiled() {
    SplittableRandom r = new SplittableRandom(4);
    float[] lanes = new float[L];
    for (int round = 0; round < 20_000; round++) {
      for (int i = 0; i < L; i++) {
        // magnitudes from 2^-20 to 2^20, both signs: the order of the additions shows in the bits
        lanes[i] =
            (float) (Math.scalb(r.nextDouble(), r.nextInt(-20, 21)) * (r.nextBoolean() ? 1 : -1));
      }
      float actual = VecMath.sum(FloatVector.fromArray(VecMath.S, lanes, 0));
      float expected = VecMathCopy.sum(lanes);
      if (Float.floatToIntBits(actual) != Float.floatToIntBits(expected)) {
        assertEquals(expected, actual, "sum of " + java.util.Arrays.toString(lanes));
      }
    }
  }
}

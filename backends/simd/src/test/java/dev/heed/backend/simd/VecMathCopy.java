package dev.heed.backend.simd;

/**
 * Scalar copies of {@link VecMath}'s functions: the same operations on the same constants in the
 * same order, one lane at a time ({@link Math#fma} for the vector fused multiply-adds). Java
 * specifies every one of these operations exactly, so a copy gives the bits the vector code must
 * give, whatever the JIT has done with either.
 */
final class VecMathCopy {
  private VecMathCopy() {}

  static float exp(float x) {
    float v = x < VecMath.EXP_LOW ? VecMath.EXP_LOW : x;
    v = v > VecMath.EXP_HIGH ? VecMath.EXP_HIGH : v;
    float t = Math.fma(v, VecMath.LOG2E, VecMath.ROUNDER);
    float n = t - VecMath.ROUNDER;
    float r = Math.fma(n, -VecMath.LN2_HI, v);
    r = Math.fma(n, -VecMath.LN2_LO, r);
    float p = Math.fma(r, VecMath.C6, VecMath.C5);
    p = Math.fma(p, r, VecMath.C4);
    p = Math.fma(p, r, VecMath.C3);
    p = Math.fma(p, r, VecMath.C2);
    p = Math.fma(r, p, 1f);
    p = Math.fma(r, p, 1f);
    int k = Float.floatToRawIntBits(t) - VecMath.ROUNDER_BITS;
    int k1 = k >> 1;
    int k2 = k - k1;
    return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
  }

  static float log(float x) {
    boolean tiny = x < VecMath.MIN_NORMAL;
    int b = Float.floatToRawIntBits(tiny ? x * VecMath.TWO_23 : x);
    int e = (b - VecMath.SQRT_HALF_BITS) >> 23;
    float m = Float.intBitsToFloat(b - (e << 23)) - 1f;
    float ef = (float) e + (tiny ? -23f : 0f);
    float z = m * m;
    float y = Math.fma(m, VecMath.Q0, VecMath.Q1);
    y = Math.fma(y, m, VecMath.Q2);
    y = Math.fma(y, m, VecMath.Q3);
    y = Math.fma(y, m, VecMath.Q4);
    y = Math.fma(y, m, VecMath.Q5);
    y = Math.fma(y, m, VecMath.Q6);
    y = Math.fma(y, m, VecMath.Q7);
    y = Math.fma(y, m, VecMath.Q8);
    y = y * m * z;
    y = Math.fma(ef, VecMath.LN2_LO, y);
    y = Math.fma(z, -0.5f, y);
    float r = Math.fma(ef, VecMath.LN2_HI, m + y);
    if (x == 0f) {
      return Float.NEGATIVE_INFINITY;
    }
    if (x < 0f) {
      return Float.NaN;
    }
    return x < Float.POSITIVE_INFINITY ? r : x;
  }

  /** {@code 1 / (1 + e^-x)}, as {@code VecUnary} computes SIGMOID in a lane. */
  static float sigmoid(float x) {
    return 1f / (exp(-x) + 1f);
  }

  /** The sum of {@code VecMath.L} lanes (not changed) in {@link VecMath#sum}'s tree order. */
  static float sum(float[] lanes) {
    float[] a = lanes.clone();
    for (int h = a.length / 2; h >= 1; h /= 2) {
      for (int i = 0; i < h; i++) {
        a[i] = a[i] + a[i + h];
      }
    }
    return a[0];
  }
}

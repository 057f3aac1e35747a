package dev.heed.core.io;

/**
 * Conversions between the 16-bit floating-point formats of checkpoints and Java's {@code
 * float}/{@code double}: IEEE 754 binary16 ({@code F16}: 1 sign, 5 exponent, 10 fraction bits) and
 * bfloat16 ({@code BF16}: the upper half of a binary32, 1 sign, 8 exponent, 7 fraction bits).
 *
 * <p>Widening is exact. Narrowing rounds to nearest, ties to even, once — from a {@code double}
 * directly, so a {@code FLOAT64} value is not rounded twice through {@code float} — with gradual
 * underflow to subnormals, overflow to infinity, signed zeros kept, and a NaN staying a (quiet) NaN
 * of the same sign. Values are passed as the raw 16 bits in a {@code short}. Stateless.
 */
public final class HalfPrecision {
  private HalfPrecision() {}

  /**
   * The value of binary16 bits {@code h}, exactly (a NaN becomes a quiet NaN that keeps its sign
   * and payload, as the processor's conversion instruction does).
   */
  public static float f16ToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int frac = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f80_0000 | (frac == 0 ? 0 : 0x40_0000 | frac << 13));
    }
    if (exp == 0) {
      // zero or subnormal: frac * 2^-24, exact in float
      float v = frac * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (frac << 13));
  }

  /** The binary16 bits nearest to {@code v} (ties to even). */
  public static short f16FromFloat(float v) {
    if (Float.isNaN(v)) {
      int bits = Float.floatToRawIntBits(v);
      return (short) (((bits >>> 16) & 0x8000) | 0x7e00 | ((bits >>> 13) & 0x1ff));
    }
    return f16FromDouble(v);
  }

  /** The binary16 bits nearest to {@code v} (ties to even), rounded once. */
  public static short f16FromDouble(double v) {
    return narrow(v, 10, 15, 0x1f);
  }

  /** The value of bfloat16 bits {@code h}, exactly. */
  public static float bf16ToFloat(short h) {
    return Float.intBitsToFloat((h & 0xffff) << 16);
  }

  /** The bfloat16 bits nearest to {@code v} (ties to even). */
  public static short bf16FromFloat(float v) {
    if (Float.isNaN(v)) {
      return (short) ((Float.floatToRawIntBits(v) >>> 16) | 0x0040);
    }
    return bf16FromDouble(v);
  }

  /** The bfloat16 bits nearest to {@code v} (ties to even), rounded once. */
  public static short bf16FromDouble(double v) {
    return narrow(v, 7, 127, 0xff);
  }

  /**
   * Rounds {@code v} to a format with {@code fracBits} fraction bits, exponent bias {@code bias}
   * and all-ones exponent {@code maxExp}, giving its bits.
   */
  private static short narrow(double v, int fracBits, int bias, int maxExp) {
    long bits = Double.doubleToRawLongBits(v);
    int sign = (int) (bits >>> 63) << (fracBits + expWidth(maxExp));
    int exp = (int) (bits >>> 52) & 0x7ff;
    long mant = bits & ((1L << 52) - 1);
    int infinity = sign | (maxExp << fracBits);
    if (exp == 0x7ff) {
      if (mant == 0) {
        return (short) infinity;
      }
      // quiet NaN, keeping the top payload bits
      return (short) (infinity | (1 << (fracBits - 1)) | (int) (mant >>> (52 - fracBits)));
    }
    if (exp == 0) {
      // zero or a double subnormal: far below the smallest subnormal of both formats
      return (short) sign;
    }
    int target = exp - 1023 + bias; // biased exponent in the narrow format
    if (target >= maxExp) {
      return (short) infinity;
    }
    long sig = mant | (1L << 52);
    int shift = 52 - fracBits + (target >= 1 ? 0 : 1 - target);
    if (shift > 53) {
      // below half the smallest subnormal: rounds to zero
      return (short) sign;
    }
    long q = sig >>> shift;
    long rem = sig & ((1L << shift) - 1);
    long half = 1L << (shift - 1);
    if (rem > half || (rem == half && (q & 1) == 1)) {
      q++;
    }
    // a normal result adds the exponent above the implicit bit; a carry out of the fraction moves
    // into the exponent (up to infinity), and a subnormal that rounds up becomes the smallest
    // normal
    long out = target >= 1 ? ((long) (target - 1) << fracBits) + q : q;
    return (short) (sign | out);
  }

  private static int expWidth(int maxExp) {
    return Integer.bitCount(maxExp);
  }
}

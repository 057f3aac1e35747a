package dev.heed.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link HalfPrecision} against independent references: the JDK's binary16 conversions ({@link
 * Float#float16ToFloat}, {@link Float#floatToFloat16}) for F16, and the usual bit manipulation (add
 * {@code 0x7fff} plus the kept low bit, then truncate) for BF16.
 */
class HalfPrecisionTest {
  /** The reference bfloat16 rounding of a non-NaN float: round to nearest even on the raw bits. */
  private static short bf16Reference(float f) {
    int bits = Float.floatToRawIntBits(f);
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }

  @Test
  void everyF16BitPatternWidensAsTheJdkDoes() {
    for (int h = 0; h < 0x10000; h++) {
      float ours = HalfPrecision.f16ToFloat((short) h);
      float jdk = Float.float16ToFloat((short) h);
      // the JDK's NaNs come out quiet or signalling depending on whether its conversion ran
      // compiled (the processor's instruction) or interpreted; ours are always quiet
      int quiet = Float.isNaN(jdk) ? 0x40_0000 : 0;
      assertEquals(
          Float.floatToRawIntBits(jdk) | quiet,
          Float.floatToRawIntBits(ours),
          "bits " + Integer.toHexString(h));
    }
  }

  @Test
  void everyF16ValueAndEveryMidpointNarrowsAsTheJdkDoes() {
    for (int h = 0; h < 0x10000; h++) {
      float v = Float.float16ToFloat((short) h);
      if (Float.isNaN(v)) {
        continue;
      }
      // the value itself, its float neighbours, and (for finite values) the midpoints to the next
      // half up with their neighbours: the ties and near-ties where rounding goes wrong
      float next = Float.float16ToFloat((short) (h + 1));
      float[] probes = {v, Math.nextUp(v), Math.nextDown(v), 0, 0, 0};
      if (!Float.isInfinite(v) && !Float.isNaN(next) && (h & 0x7fff) != 0x7bff) {
        float mid = (float) (((double) v + next) / 2);
        probes[3] = mid;
        probes[4] = Math.nextUp(mid);
        probes[5] = Math.nextDown(mid);
      }
      for (float p : probes) {
        assertEquals(Float.floatToFloat16(p), HalfPrecision.f16FromFloat(p), "value " + p);
        assertEquals(Float.floatToFloat16(p), HalfPrecision.f16FromDouble(p), "double value " + p);
      }
    }
  }

  @Test
  void randomFloatsNarrowToF16AsTheJdkDoes() {
    SplittableRandom r = new SplittableRandom(18);
    for (int i = 0; i < 2_000_000; i++) {
      float f = Float.intBitsToFloat(r.nextInt());
      short jdk = Float.floatToFloat16(f);
      short ours = HalfPrecision.f16FromFloat(f);
      if (Float.isNaN(f)) {
        assertTrue(Float.isNaN(HalfPrecision.f16ToFloat(ours)), "NaN stays NaN");
        assertEquals(jdk & 0x8000, ours & 0x8000, "NaN keeps its sign");
      } else {
        assertEquals(jdk, ours, "value " + f);
      }
    }
  }

  @Test
  void f16OverflowUnderflowAndSignedZeros() {
    assertEquals((short) 0x7bff, HalfPrecision.f16FromDouble(65504.0));
    assertEquals((short) 0x7bff, HalfPrecision.f16FromDouble(65519.99));
    assertEquals((short) 0x7c00, HalfPrecision.f16FromDouble(65520.0), "the tie goes to even: inf");
    assertEquals((short) 0xfc00, HalfPrecision.f16FromDouble(-1e300));
    assertEquals((short) 0x0001, HalfPrecision.f16FromDouble(0x1p-24));
    assertEquals((short) 0x0000, HalfPrecision.f16FromDouble(0x1p-25), "the tie goes to even: 0");
    assertEquals((short) 0x0001, HalfPrecision.f16FromDouble(Math.nextUp(0x1p-25)));
    assertEquals((short) 0x8000, HalfPrecision.f16FromDouble(-0.0));
    assertEquals((short) 0x8000, HalfPrecision.f16FromDouble(-Double.MIN_VALUE));
    assertEquals((short) 0x0400, HalfPrecision.f16FromDouble(0x1p-14), "smallest normal");
    assertEquals(
        (short) 0x0400, HalfPrecision.f16FromDouble(0x3ffp-24 + 0x1p-25), "subnormal rounds up");
  }

  @Test
  void doublesAreRoundedOnceNotTwice() {
    // 1 + 2^-11 is the tie between 1 and 1 + 2^-10; a hair above it must round up, but through
    // float the hair is lost and the tie goes down to even
    double above = 1 + 0x1p-11 + 0x1p-40;
    assertEquals((short) 0x3c00, Float.floatToFloat16((float) above), "through float");
    assertEquals((short) 0x3c01, HalfPrecision.f16FromDouble(above));
    double bfAbove = 1 + 0x1p-8 + 0x1p-40;
    assertEquals((short) 0x3f81, HalfPrecision.bf16FromDouble(bfAbove));
    assertEquals((short) 0x3f80, HalfPrecision.bf16FromDouble(1 + 0x1p-8));
  }

  @Test
  void everyBf16BitPatternWidensExactlyAndNarrowsBack() {
    for (int h = 0; h < 0x10000; h++) {
      float v = HalfPrecision.bf16ToFloat((short) h);
      assertEquals(h << 16, Float.floatToRawIntBits(v));
      if (!Float.isNaN(v)) {
        assertEquals((short) h, HalfPrecision.bf16FromFloat(v));
        assertEquals((short) h, HalfPrecision.bf16FromDouble(v));
      }
    }
  }

  @Test
  void bf16NarrowsAsTheBitReferenceAtEveryTieAndNearTie() {
    int[] lows = {0, 1, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff};
    for (int hi = 0; hi < 0x10000; hi++) {
      for (int lo : lows) {
        float f = Float.intBitsToFloat(hi << 16 | lo);
        if (Float.isNaN(f)) {
          short ours = HalfPrecision.bf16FromFloat(f);
          assertTrue(Float.isNaN(HalfPrecision.bf16ToFloat(ours)));
          assertEquals(hi & 0x8000, ours & 0x8000);
          continue;
        }
        short ref = bf16Reference(f);
        assertEquals(ref, HalfPrecision.bf16FromFloat(f), "value " + f);
        assertEquals(ref, HalfPrecision.bf16FromDouble(f), "double value " + f);
      }
    }
    SplittableRandom r = new SplittableRandom(16);
    for (int i = 0; i < 2_000_000; i++) {
      float f = Float.intBitsToFloat(r.nextInt());
      if (!Float.isNaN(f)) {
        assertEquals(bf16Reference(f), HalfPrecision.bf16FromFloat(f), "value " + f);
      }
    }
  }
}

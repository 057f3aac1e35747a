package dev.heed.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exponential, the logarithm and the lane sum of float vectors of the preferred species, built
 * only from operations whose results Java specifies exactly: add, subtract, multiply, fused
 * multiply-add, comparisons and blends, integer bit operations, int-to-float conversion and lane
 * moves. The Vector API's own {@code EXP} and {@code LOG} and its {@code ADD} reduction leave the
 * accuracy and the order of the additions open, and differ in practice between the code that runs
 * before the JIT compiles a kernel and the intrinsics after (the short-vector math library, another
 * summation tree); with these, a kernel gives the same bits for the same inputs on every call, on
 * every thread and at every stage of compilation, so a run is repeatable.
 *
 * <p>Each function is a fixed sequence of those operations, so a scalar Java copy of it (the same
 * operations in the same order, with {@link Math#fma}) gives exactly the same bits lane by lane;
 * the tests compare the kernels with such copies.
 */
final class VecMath {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  static final int L = S.length();

  private VecMath() {}

  /**
   * The constant {@code v} in every lane, made where it is used: inlined into a kernel's loop, a
   * broadcast of a constant is taken out of the loop and kept in a register, while a {@code static
   * final} vector is read from memory at every use (exp took twice the time so).
   */
  private static FloatVector broadcast(float v) {
    return FloatVector.broadcast(S, v);
  }

  // ---- exp ---------------------------------------------------------------------------------

  /** Below it {@code e^x} rounds to 0 in float (it is under half the smallest subnormal). */
  static final float EXP_LOW = -104f;

  /** Above it {@code e^x} overflows to ∞ in float. */
  static final float EXP_HIGH = 89f;

  /** Below this magnitude, {@code n} is within ±124 and {@code e^x} a normal float. */
  private static final float EXP_DIRECT = 86f;

  static final float LOG2E = 1.44269504088896341f;

  /** {@code ln 2} split in two: the first has 9 significant bits, so {@code n·LN2_HI} is exact. */
  static final float LN2_HI = 0.693359375f;

  static final float LN2_LO = -2.12194440e-4f;

  /**
   * {@code 1.5·2²³}: {@code fma(x, log2e, ROUNDER)} rounds {@code x·log2e} to the nearest integer
   * {@code n}, held in the low bits of the result, and {@code result - ROUNDER} is {@code n}.
   */
  static final float ROUNDER = 12582912f;

  static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

  /**
   * {@code e^r ≈ 1 + r·(1 + r·(C2 + r·(C3 + r·(C4 + r·(C5 + r·C6)))))} on {@code |r| <= ln2/2}: a
   * minimax fit of the relative error (3.8e-9 with these float coefficients, a sixteenth of an
   * ulp).
   */
  static final float C2 = 0.4999999403953552f;

  static final float C3 = 0.1666652113199234f;
  static final float C4 = 0.04166838899254799f;
  static final float C5 = 0.008368716575205326f;
  static final float C6 = 0.001381459878757596f;

  /**
   * {@code e^x} per lane, within 0.9 ulp of the exact value (checked against float64 {@code
   * Math.exp} on every float in {@code [-110, 110]}; 99.5 % of the results are correctly rounded).
   * {@code x = n·ln 2 + r} with {@code |r| <= ln 2 / 2}; {@code e^r = 1 + r·(1 + r·P(r))}, two
   * fused multiply-adds after the polynomial {@code P}, each rounded once; times {@code 2ⁿ} as two
   * powers of two built in the exponent bits, so that results near the float range's top stay
   * finite and results below its bottom round once, to a subnormal or to 0. NaN gives NaN, {@code
   * -∞} and anything below -103.97 give 0, {@code +∞} and anything above 88.72 give {@code +∞}.
   *
   * <p>Scalar copy, for {@code t} the float and {@code k} the int: {@code v = x < -104 ? -104 : x;
   * v = v > 89 ? 89 : v; t = fma(v, LOG2E, ROUNDER); n = t - ROUNDER; r = fma(n, -LN2_HI, v); r =
   * fma(n, -LN2_LO, r); p = fma(r, C6, C5); p = fma(p, r, C4); p = fma(p, r, C3); p = fma(p, r,
   * C2); p = fma(r, p, 1); p = fma(r, p, 1); k = bits(t) - ROUNDER_BITS; k1 = k >> 1; k2 = k - k1;
   * return p·2^k1·2^k2} (the two products in that order). Where every lane's {@code |x|} is below
   * 86, the vector code skips the clamps and adds {@code k} to p's exponent bits instead of the two
   * products: the same bits, as every step is then exact.
   */
  static FloatVector exp(FloatVector x) {
    if (x.abs().compare(VectorOperators.LT, EXP_DIRECT).allTrue()) {
      // every lane's result is a normal float: 2ⁿ goes straight into p's exponent bits, where the
      // two products of the general case give the same bits. n << 23 is bits(t) << 23, as
      // ROUNDER_BITS << 23 overflows to 0
      FloatVector t = x.fma(broadcast(LOG2E), broadcast(ROUNDER));
      IntVector p = expReduced(x, t).reinterpretAsInts();
      return p.add(t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats();
    }
    return expClamped(x);
  }

  /** {@link #exp} of any lanes: clamped, then scaled by two powers of two. */
  private static FloatVector expClamped(FloatVector x) {
    // compare-and-blend keeps NaN (a comparison with NaN is false)
    FloatVector v = x.blend(EXP_LOW, x.lt(EXP_LOW));
    v = v.blend(EXP_HIGH, v.compare(VectorOperators.GT, EXP_HIGH));
    FloatVector t = v.fma(broadcast(LOG2E), broadcast(ROUNDER));
    FloatVector p = expReduced(v, t);
    IntVector k = t.reinterpretAsInts().sub(ROUNDER_BITS);
    IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
    IntVector k2 = k.sub(k1);
    FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(s1).mul(s2);
  }

  /** {@code e^r} for {@code r = v - n·ln 2}, {@code t = n + ROUNDER}. */
  private static FloatVector expReduced(FloatVector v, FloatVector t) {
    FloatVector n = t.sub(broadcast(ROUNDER));
    FloatVector r = n.fma(broadcast(-LN2_HI), v);
    r = n.fma(broadcast(-LN2_LO), r);
    FloatVector p = r.fma(broadcast(C6), broadcast(C5));
    p = p.fma(r, broadcast(C4));
    p = p.fma(r, broadcast(C3));
    p = p.fma(r, broadcast(C2));
    p = r.fma(p, broadcast(1f));
    return r.fma(p, broadcast(1f));
  }

  // ---- log ---------------------------------------------------------------------------------

  /**
   * The bits of {@code √½} rounded to float: the mantissas from it up are those of {@code 1 + m}.
   */
  static final int SQRT_HALF_BITS = Float.floatToRawIntBits(0.707106781186547524f);

  /** The smallest normal float: smaller positive inputs are scaled by {@code 2²³} first. */
  static final float MIN_NORMAL = Float.MIN_NORMAL;

  private static final int MIN_NORMAL_BITS = Float.floatToRawIntBits(MIN_NORMAL);

  static final float TWO_23 = 0x1p23f;

  /** {@code (log(1+m) - m + m²/2)/m³} on {@code [√½ - 1, √2 - 1)}: the Cephes {@code logf} one. */
  static final float Q0 = 7.0376836292e-2f;

  static final float Q1 = -1.1514610310e-1f;
  static final float Q2 = 1.1676998740e-1f;
  static final float Q3 = -1.2420140846e-1f;
  static final float Q4 = 1.4249322787e-1f;
  static final float Q5 = -1.6668057665e-1f;
  static final float Q6 = 2.0000714765e-1f;
  static final float Q7 = -2.4999993993e-1f;
  static final float Q8 = 3.3333331174e-1f;

  /**
   * The natural logarithm per lane, within 0.82 ulp of the exact value (checked against float64
   * {@code Math.log} on every fifth positive float, subnormals included). {@code x = 2ᵉ·(1 + m)}
   * with {@code 1 + m} in {@code [√½, √2)}, {@code log x = e·ln 2 + log(1 + m)}, {@code log(1 + m)
   * = m - m²/2 + m³·Q(m)}; subnormal inputs are first scaled by {@code 2²³} (exactly). {@code log 0
   * = -∞} (either sign of 0), {@code log x} of a negative {@code x} (and of {@code -∞}) is NaN,
   * {@code log ∞ = ∞}, NaN gives NaN, {@code log 1 = 0}.
   *
   * <p>Scalar copy, for {@code b} and {@code e} ints: {@code tiny = x < MIN_NORMAL; b = bits(tiny ?
   * x·2²³ : x); e = (b - SQRT_HALF_BITS) >> 23; m = float(bits b - (e << 23)) - 1; ef = (float) e +
   * (tiny ? -23 : 0); z = m·m; y = fma(m, Q0, Q1); y = fma(y, m, Q2); … ; y = fma(y, m, Q8); y =
   * y·m·z (left to right); y = fma(ef, LN2_LO, y); y = fma(z, -0.5, y); r = fma(ef, LN2_HI, m +
   * y)}, then {@code -∞} where {@code x == 0}, NaN where {@code x < 0}, {@code x} itself where
   * {@code !(x < ∞)}.
   */
  static FloatVector log(FloatVector x) {
    IntVector bits = x.reinterpretAsInts();
    // positive, normal and finite: bits - MIN_NORMAL's bits below 0x7f000000, unsigned
    if (bits.sub(MIN_NORMAL_BITS).compare(VectorOperators.ULT, 0x7f000000).allTrue()) {
      return logNormal(bits, broadcast(0f));
    }
    return logAny(x);
  }

  /** {@link #log} of any lanes: subnormals scaled first, then the special values. */
  private static FloatVector logAny(FloatVector x) {
    VectorMask<Float> tiny = x.lt(MIN_NORMAL);
    IntVector bits = x.blend(x.mul(TWO_23), tiny).reinterpretAsInts();
    return specials(x, logNormal(bits, broadcast(0f).blend(-23f, tiny)));
  }

  /**
   * {@code log x + shift·ln 2} for the positive normal float {@code x} with these bits ({@code
   * shift} a small integer).
   */
  private static FloatVector logNormal(IntVector bits, FloatVector shift) {
    // x = 2^e·(1 + m) with 1 + m in [√½, √2): e counts the binades above √½'s
    IntVector e = bits.sub(SQRT_HALF_BITS).lanewise(VectorOperators.ASHR, 23);
    FloatVector m =
        bits.sub(e.lanewise(VectorOperators.LSHL, 23)).reinterpretAsFloats().sub(broadcast(1f));
    // small integers: exact
    FloatVector ef = ((FloatVector) e.convert(VectorOperators.I2F, 0)).add(shift);
    FloatVector z = m.mul(m);
    FloatVector y = m.fma(broadcast(Q0), broadcast(Q1));
    y = y.fma(m, broadcast(Q2));
    y = y.fma(m, broadcast(Q3));
    y = y.fma(m, broadcast(Q4));
    y = y.fma(m, broadcast(Q5));
    y = y.fma(m, broadcast(Q6));
    y = y.fma(m, broadcast(Q7));
    y = y.fma(m, broadcast(Q8));
    y = y.mul(m).mul(z);
    y = ef.fma(broadcast(LN2_LO), y);
    y = z.fma(broadcast(-0.5f), y);
    return ef.fma(broadcast(LN2_HI), m.add(y));
  }

  /**
   * {@code r} with {@code log}'s special values: {@code -∞} where {@code x} is ±0, NaN where it is
   * negative, {@code x} itself where it is {@code +∞} or NaN. (A method of its own keeps {@link
   * #log} small enough for the JIT to inline it into a hot loop, where its vectors stay in
   * registers.)
   */
  private static FloatVector specials(FloatVector x, FloatVector r) {
    r = r.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
    r = r.blend(Float.NaN, x.lt(0f));
    return r.blend(x, x.lt(Float.POSITIVE_INFINITY).not());
  }

  // ---- sums --------------------------------------------------------------------------------

  /**
   * {@code XOR_k}: lane {@code i} of {@code v.rearrange(XOR_k)} is lane {@code i ^ (L >> k)} of
   * {@code v}, for the steps {@code k = 1 … log₂ L} of the summation tree (the first swaps the
   * halves, the last neighbouring lanes); null beyond the last step. {@code UPPER_k}: the lanes
   * whose bit {@code L >> k} is set.
   */
  private static final VectorShuffle<Float> XOR_1 = xor(1);

  private static final VectorShuffle<Float> XOR_2 = xor(2);
  private static final VectorShuffle<Float> XOR_3 = xor(3);
  private static final VectorShuffle<Float> XOR_4 = xor(4);
  private static final VectorShuffle<Float> XOR_5 = xor(5);
  private static final VectorShuffle<Float> XOR_6 = xor(6);
  private static final VectorMask<Float> UPPER_1 = upper(1);
  private static final VectorMask<Float> UPPER_2 = upper(2);
  private static final VectorMask<Float> UPPER_3 = upper(3);
  private static final VectorMask<Float> UPPER_4 = upper(4);

  /** The steps of the tree that {@link #sums16} takes on 16 (or fewer) vectors at once. */
  private static final int GROUP_STEPS = Math.min(4, Integer.numberOfTrailingZeros(L));

  /**
   * Lane {@code j} of {@code w.rearrange(GATHER)} is the lane where {@link #sums16}'s tree leaves
   * the sum of its vector {@code j} of a group ({@code j < 2^GROUP_STEPS}): the bits of {@code j}
   * reversed, as the steps set them from the top one down.
   */
  private static final VectorShuffle<Float> GATHER =
      VectorShuffle.fromOp(
          S,
          j -> {
            if (j >= 1 << GROUP_STEPS) {
              return 0;
            }
            int lane = 0;
            for (int k = 0; k < GROUP_STEPS; k++) {
              lane += ((j >> k) & 1) * (L >> (k + 1));
            }
            return lane;
          });

  /** The first 16 lanes (all of them unless the vector is wider). */
  private static final VectorMask<Float> FIRST_16 = S.indexInRange(0, 16);

  private static VectorShuffle<Float> xor(int k) {
    int d = L >> k;
    return d >= 1 ? VectorShuffle.fromOp(S, i -> i ^ d) : null;
  }

  private static VectorMask<Float> upper(int k) {
    int d = L >> k;
    boolean[] set = new boolean[L];
    for (int i = 0; i < L; i++) {
      set[i] = d >= 1 && (i & d) != 0;
    }
    return VectorMask.fromArray(S, set, 0);
  }

  /**
   * The sum of the lanes as a fixed tree: lanes {@code i} and {@code i + L/2} are added, then those
   * sums pairwise {@code L/4} apart, and so on, so the result is {@code ((v₀ + v_{L/2}) + (v_{L/4}
   * + v_{3L/4})) + …}. Scalar copy: {@code for (h = L/2; h >= 1; h /= 2) for (i = 0; i < h; i++)
   * a[i] = a[i] + a[i + h]; return a[0]}.
   */
  static float sum(FloatVector v) {
    // one step per power of two, unrolled with constant shuffles, so that the compiled code keeps
    // the vector in a register
    if (L >= 2) {
      v = v.add(v.rearrange(XOR_1));
    }
    if (L >= 4) {
      v = v.add(v.rearrange(XOR_2));
    }
    if (L >= 8) {
      v = v.add(v.rearrange(XOR_3));
    }
    if (L >= 16) {
      v = v.add(v.rearrange(XOR_4));
    }
    if (L >= 32) {
      v = v.add(v.rearrange(XOR_5));
    }
    if (L >= 64) {
      v = v.add(v.rearrange(XOR_6));
    }
    return v.lane(0);
  }

  /**
   * {@code out[j] = sum(v_j)} for {@code j < 16}, where vector {@code v_j} is {@code v[j·L … j·L +
   * L)}: each sum exactly {@link #sum}'s. Sixteen trees cost fewer operations side by side than one
   * after the other: each step pairs two vectors, keeps the lower lanes of one and the upper lanes
   * of the other, and adds the swapped rest, so that one vector carries the partial sums of both
   * ({@code 2·blend + rearrange + add} where separate trees take {@code 2·(rearrange + add)});
   * after four steps one vector holds all sixteen sums, gathered by one more rearrange and stored
   * at once. The vectors come and go through arrays, so that no vector is passed to a call the
   * compiler may leave out of line (it would be boxed on the heap).
   */
  static void sums16(float[] v, float[] out) {
    if (L >= 16) {
      sixteen(v, out);
    } else if (L == 8) {
      eight(v, 0, out, 0);
      eight(v, 8, out, 8);
    } else if (L == 4) {
      for (int g = 0; g < 4; g++) {
        four(v, 4 * g, out, 4 * g);
      }
    } else {
      for (int j = 0; j < 16; j++) {
        out[j] = sum(FloatVector.fromArray(S, v, j * L));
      }
    }
  }

  private static void sixteen(float[] v, float[] out) {
    FloatVector a0p = FloatVector.fromArray(S, v, 0);
    FloatVector a0q = FloatVector.fromArray(S, v, L);
    FloatVector a0 = a0p.blend(a0q, UPPER_1).add(a0q.blend(a0p, UPPER_1).rearrange(XOR_1));
    FloatVector a1p = FloatVector.fromArray(S, v, 2 * L);
    FloatVector a1q = FloatVector.fromArray(S, v, 3 * L);
    FloatVector a1 = a1p.blend(a1q, UPPER_1).add(a1q.blend(a1p, UPPER_1).rearrange(XOR_1));
    FloatVector a2p = FloatVector.fromArray(S, v, 4 * L);
    FloatVector a2q = FloatVector.fromArray(S, v, 5 * L);
    FloatVector a2 = a2p.blend(a2q, UPPER_1).add(a2q.blend(a2p, UPPER_1).rearrange(XOR_1));
    FloatVector a3p = FloatVector.fromArray(S, v, 6 * L);
    FloatVector a3q = FloatVector.fromArray(S, v, 7 * L);
    FloatVector a3 = a3p.blend(a3q, UPPER_1).add(a3q.blend(a3p, UPPER_1).rearrange(XOR_1));
    FloatVector a4p = FloatVector.fromArray(S, v, 8 * L);
    FloatVector a4q = FloatVector.fromArray(S, v, 9 * L);
    FloatVector a4 = a4p.blend(a4q, UPPER_1).add(a4q.blend(a4p, UPPER_1).rearrange(XOR_1));
    FloatVector a5p = FloatVector.fromArray(S, v, 10 * L);
    FloatVector a5q = FloatVector.fromArray(S, v, 11 * L);
    FloatVector a5 = a5p.blend(a5q, UPPER_1).add(a5q.blend(a5p, UPPER_1).rearrange(XOR_1));
    FloatVector a6p = FloatVector.fromArray(S, v, 12 * L);
    FloatVector a6q = FloatVector.fromArray(S, v, 13 * L);
    FloatVector a6 = a6p.blend(a6q, UPPER_1).add(a6q.blend(a6p, UPPER_1).rearrange(XOR_1));
    FloatVector a7p = FloatVector.fromArray(S, v, 14 * L);
    FloatVector a7q = FloatVector.fromArray(S, v, 15 * L);
    FloatVector a7 = a7p.blend(a7q, UPPER_1).add(a7q.blend(a7p, UPPER_1).rearrange(XOR_1));
    FloatVector b0 = a0.blend(a1, UPPER_2).add(a1.blend(a0, UPPER_2).rearrange(XOR_2));
    FloatVector b1 = a2.blend(a3, UPPER_2).add(a3.blend(a2, UPPER_2).rearrange(XOR_2));
    FloatVector b2 = a4.blend(a5, UPPER_2).add(a5.blend(a4, UPPER_2).rearrange(XOR_2));
    FloatVector b3 = a6.blend(a7, UPPER_2).add(a7.blend(a6, UPPER_2).rearrange(XOR_2));
    FloatVector c0 = b0.blend(b1, UPPER_3).add(b1.blend(b0, UPPER_3).rearrange(XOR_3));
    FloatVector c1 = b2.blend(b3, UPPER_3).add(b3.blend(b2, UPPER_3).rearrange(XOR_3));
    FloatVector w = c0.blend(c1, UPPER_4).add(c1.blend(c0, UPPER_4).rearrange(XOR_4));
    if (L >= 32) {
      w = w.add(w.rearrange(XOR_5));
    }
    if (L >= 64) {
      w = w.add(w.rearrange(XOR_6));
    }
    w = w.rearrange(GATHER);
    if (L == 16) {
      w.intoArray(out, 0);
    } else {
      w.intoArray(out, 0, FIRST_16);
    }
  }

  /** The sums of vectors {@code from … from + 7} into {@code out[o …]} ({@code L == 8}). */
  private static void eight(float[] v, int from, float[] out, int o) {
    FloatVector a0p = FloatVector.fromArray(S, v, from * L);
    FloatVector a0q = FloatVector.fromArray(S, v, (from + 1) * L);
    FloatVector a0 = a0p.blend(a0q, UPPER_1).add(a0q.blend(a0p, UPPER_1).rearrange(XOR_1));
    FloatVector a1p = FloatVector.fromArray(S, v, (from + 2) * L);
    FloatVector a1q = FloatVector.fromArray(S, v, (from + 3) * L);
    FloatVector a1 = a1p.blend(a1q, UPPER_1).add(a1q.blend(a1p, UPPER_1).rearrange(XOR_1));
    FloatVector a2p = FloatVector.fromArray(S, v, (from + 4) * L);
    FloatVector a2q = FloatVector.fromArray(S, v, (from + 5) * L);
    FloatVector a2 = a2p.blend(a2q, UPPER_1).add(a2q.blend(a2p, UPPER_1).rearrange(XOR_1));
    FloatVector a3p = FloatVector.fromArray(S, v, (from + 6) * L);
    FloatVector a3q = FloatVector.fromArray(S, v, (from + 7) * L);
    FloatVector a3 = a3p.blend(a3q, UPPER_1).add(a3q.blend(a3p, UPPER_1).rearrange(XOR_1));
    FloatVector b0 = a0.blend(a1, UPPER_2).add(a1.blend(a0, UPPER_2).rearrange(XOR_2));
    FloatVector b1 = a2.blend(a3, UPPER_2).add(a3.blend(a2, UPPER_2).rearrange(XOR_2));
    b0.blend(b1, UPPER_3)
        .add(b1.blend(b0, UPPER_3).rearrange(XOR_3))
        .rearrange(GATHER)
        .intoArray(out, o);
  }

  /** The sums of vectors {@code from … from + 3} into {@code out[o …]} ({@code L == 4}). */
  private static void four(float[] v, int from, float[] out, int o) {
    FloatVector a0p = FloatVector.fromArray(S, v, from * L);
    FloatVector a0q = FloatVector.fromArray(S, v, (from + 1) * L);
    FloatVector a0 = a0p.blend(a0q, UPPER_1).add(a0q.blend(a0p, UPPER_1).rearrange(XOR_1));
    FloatVector a1p = FloatVector.fromArray(S, v, (from + 2) * L);
    FloatVector a1q = FloatVector.fromArray(S, v, (from + 3) * L);
    FloatVector a1 = a1p.blend(a1q, UPPER_1).add(a1q.blend(a1p, UPPER_1).rearrange(XOR_1));
    a0.blend(a1, UPPER_2)
        .add(a1.blend(a0, UPPER_2).rearrange(XOR_2))
        .rearrange(GATHER)
        .intoArray(out, o);
  }
}

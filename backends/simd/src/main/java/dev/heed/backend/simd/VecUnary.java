package dev.heed.backend.simd;

import dev.heed.core.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code unary} with the preferred vector species. The hot operations (NEG, ABS, SQUARE,
 * SQRT, RECIPROCAL, EXP, LOG, TANH, SIGMOID, RELU, AFFINE, STEP) are computed in float lanes (EXP,
 * LOG and SIGMOID through {@link VecMath}, within 1 ulp, TANH by a rational function within 6 ulp:
 * both well inside the contract's 1e-5 relative tolerance), from operations whose results Java
 * specifies exactly, so every element's bits are the same whether the kernel runs interpreted or
 * compiled (the Vector API's own EXP and LOG give other bits once compiled); the others, and the
 * tail that does not fill a vector, use {@link UnaryOp#applyFloat32} (float64 rounded once),
 * exactly as the reference backend does — except that the tail of EXP, LOG, TANH and SIGMOID is one
 * masked vector: their float64 functions cost 10-20 ns an element, more than the vector loop of a
 * narrow layer's whole row. Comparisons are in float everywhere: STEP's lanes compare with the
 * threshold rounded to float, and so does {@link UnaryOp#applyFloat32} in the tail (and for CLAMP's
 * bounds), so an element's answer does not depend on whether it falls in a lane or in the tail.
 */
final class VecUnary {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VecUnary() {}

  /** Whether {@code op} has a vector kernel here. */
  static boolean vectorised(UnaryOp op) {
    return switch (op) {
      case NEG, ABS, SQUARE, SQRT, RECIPROCAL, EXP, LOG, TANH, SIGMOID, RELU, AFFINE, STEP -> true;
      default -> false;
    };
  }

  /** {@code y[i] = op(x[i])} for {@code i} in {@code [from, to)}. */
  static void apply(UnaryOp op, double a, double b, float[] x, float[] y, int from, int to) {
    apply(op, a, b, x, from, y, from, to - from);
  }

  /** {@code y[yo + i] = op(x[xo + i])} for {@code i} in {@code [0, n)}. */
  static void apply(UnaryOp op, double a, double b, float[] x, int xo, float[] y, int yo, int n) {
    if (!vectorised(op)) {
      for (int i = 0; i < n; i++) {
        y[yo + i] = op.applyFloat32(x[xo + i], a, b);
      }
      return;
    }
    int from = 0;
    int to = n;
    int end = S.loopBound(n);
    int l = S.length();
    // one loop per operation: no dispatch and no merge of vector values inside the loop (a switch
    // in the loop body is several times slower once many operations flow through it)
    switch (op) {
      case NEG -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, xo + i).neg().intoArray(y, yo + i);
        }
      }
      case ABS -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, xo + i).abs().intoArray(y, yo + i);
        }
      }
      case SQUARE -> {
        for (int i = from; i < end; i += l) {
          FloatVector v = FloatVector.fromArray(S, x, xo + i);
          v.mul(v).intoArray(y, yo + i);
        }
      }
      case SQRT -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(y, yo + i);
        }
      }
      case RECIPROCAL -> {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = from; i < end; i += l) {
          one.div(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
      }
      case EXP -> {
        for (int i = from; i < end; i += l) {
          VecMath.exp(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
      }
      case LOG -> {
        for (int i = from; i < end; i += l) {
          VecMath.log(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
      }
      case TANH -> tanhRange(x, xo + from, y, yo + from, end - from);
      case SIGMOID -> {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = from; i < end; i += l) {
          sigmoid(FloatVector.fromArray(S, x, xo + i), one).intoArray(y, yo + i);
        }
      }
      case RELU -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i);
        }
      }
      case AFFINE -> {
        // broadcasts hoisted out of the loop (a ternary FMA of broadcasts is not intrinsified here
        // and falls back to a per-lane loop)
        FloatVector va = FloatVector.broadcast(S, (float) a);
        FloatVector vb = FloatVector.broadcast(S, (float) b);
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, xo + i).mul(va).add(vb).intoArray(y, yo + i);
        }
      }
      case STEP -> {
        // the threshold rounded to float, as UnaryOp.applyFloat32 compares
        FloatVector va = FloatVector.broadcast(S, (float) a);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = from; i < end; i += l) {
          FloatVector v = FloatVector.fromArray(S, x, xo + i);
          zero.blend(one, v.compare(VectorOperators.GT, va)).intoArray(y, yo + i);
        }
      }
      default -> throw new IllegalStateException("no vector kernel for " + op);
    }
    if (end < to
        && (op == UnaryOp.EXP
            || op == UnaryOp.LOG
            || op == UnaryOp.TANH
            || op == UnaryOp.SIGMOID)) {
      maskedTail(op, x, xo, y, yo, end, to);
      return;
    }
    for (int i = end; i < to; i++) {
      y[yo + i] = op.applyFloat32(x[xo + i], a, b);
    }
  }

  /**
   * Elements {@code [end, to)} (fewer than a vector) of EXP, LOG, TANH or SIGMOID as one masked
   * vector. A method of its own: inside {@link #apply} the compiler does not inline {@link #tanh},
   * whose vector argument and result are then boxed on every call.
   */
  private static void maskedTail(
      UnaryOp op, float[] x, int xo, float[] y, int yo, int end, int to) {
    // masked-off lanes read as 0 and are not stored; for LOG they are 1, a normal input, which
    // keeps the tail on VecMath.log's short path
    VectorMask<Float> m = S.indexInRange(end, to);
    FloatVector v = FloatVector.fromArray(S, x, xo + end, m);
    if (op == UnaryOp.LOG) {
      v = v.blend(1f, m.not());
    }
    FloatVector r =
        switch (op) {
          case EXP -> VecMath.exp(v);
          case LOG -> VecMath.log(v);
          case TANH -> tanh(v);
          default -> sigmoid(v, FloatVector.broadcast(S, 1f));
        };
    r.intoArray(y, yo + end, m);
  }

  /** Beyond ±9, tanh is ±1 in float. */
  private static final float TANH_CLAMP = 9f;

  private static final FloatVector TANH_HI = FloatVector.broadcast(S, TANH_CLAMP);
  private static final FloatVector TANH_LO = FloatVector.broadcast(S, -TANH_CLAMP);

  /** Below this magnitude tanh(x) is x within half an ulp (x³/3 is below 2^-24 of x). */
  private static final float TANH_LINEAR = 4e-4f;

  // the 13/6-degree rational approximation of tanh on [-9, 9] that Eigen and XNNPACK use: odd
  // numerator, even denominator
  private static final float TA1 = 4.89352455891786e-03f;
  private static final float TA3 = 6.37261928875436e-04f;
  private static final float TA5 = 1.48572235717979e-05f;
  private static final float TA7 = 5.12229709037114e-08f;
  private static final float TA9 = -8.60467152213735e-11f;
  private static final float TA11 = 2.00018790482477e-13f;
  private static final float TA13 = -2.76076847742355e-16f;
  private static final float TB0 = 4.89352518554385e-03f;
  private static final float TB2 = 2.26843463243900e-03f;
  private static final float TB4 = 1.18534705686654e-04f;
  private static final float TB6 = 1.19825839466702e-06f;

  private static final FloatVector A1 = FloatVector.broadcast(S, TA1);
  private static final FloatVector A3 = FloatVector.broadcast(S, TA3);
  private static final FloatVector A5 = FloatVector.broadcast(S, TA5);
  private static final FloatVector A7 = FloatVector.broadcast(S, TA7);
  private static final FloatVector A9 = FloatVector.broadcast(S, TA9);
  private static final FloatVector A11 = FloatVector.broadcast(S, TA11);
  private static final FloatVector A13 = FloatVector.broadcast(S, TA13);
  private static final FloatVector B0 = FloatVector.broadcast(S, TB0);
  private static final FloatVector B2 = FloatVector.broadcast(S, TB2);
  private static final FloatVector B4 = FloatVector.broadcast(S, TB4);
  private static final FloatVector B6 = FloatVector.broadcast(S, TB6);

  /**
   * {@code tanh} in each lane by a rational function: nine FMAs, two multiplications and a
   * division, within 6 ulp (relative 3.3e-7, checked against float64 {@code tanh} on 3.2 million
   * points), about two thirds of the time of the JDK's vector {@code TANH} (its short-vector math
   * library) on values in cache. Magnitudes below {@link #TANH_LINEAR} return x itself (the
   * rational function loses precision on subnormals), NaN stays NaN, ±∞ give ±1.
   */
  private static FloatVector tanh(FloatVector v) {
    // clamped by comparisons and blends: the values of max and min here (NaN stays NaN, -0 stays
    // -0), without the instructions that give Java's max and min their NaN and signed-zero rules
    FloatVector x =
        v.blend(TANH_HI, v.compare(VectorOperators.GT, TANH_HI))
            .blend(TANH_LO, v.compare(VectorOperators.LT, TANH_LO));
    FloatVector x2 = x.mul(x);
    FloatVector p = x2.fma(A13, A11).fma(x2, A9).fma(x2, A7).fma(x2, A5);
    p = p.fma(x2, A3).fma(x2, A1).mul(x);
    FloatVector q = x2.fma(B6, B4).fma(x2, B2).fma(x2, B0);
    FloatVector r = p.div(q);
    return r.blend(v, v.abs().compare(VectorOperators.LT, TANH_LINEAR));
  }

  /**
   * {@code y[yo + i] = tanh(x[xo + i])} for {@code i < n} ({@code n} a multiple of the vector
   * length): {@link #tanh}'s operations on its constants broadcast into locals before the loop,
   * which the compiler keeps in registers (the static vectors are read from memory at every use, a
   * third more time), so the same bits.
   */
  private static void tanhRange(float[] x, int xo, float[] y, int yo, int n) {
    FloatVector hi = FloatVector.broadcast(S, TANH_CLAMP);
    FloatVector lo = FloatVector.broadcast(S, -TANH_CLAMP);
    FloatVector linear = FloatVector.broadcast(S, TANH_LINEAR);
    FloatVector a1 = FloatVector.broadcast(S, TA1);
    FloatVector a3 = FloatVector.broadcast(S, TA3);
    FloatVector a5 = FloatVector.broadcast(S, TA5);
    FloatVector a7 = FloatVector.broadcast(S, TA7);
    FloatVector a9 = FloatVector.broadcast(S, TA9);
    FloatVector a11 = FloatVector.broadcast(S, TA11);
    FloatVector a13 = FloatVector.broadcast(S, TA13);
    FloatVector b0 = FloatVector.broadcast(S, TB0);
    FloatVector b2 = FloatVector.broadcast(S, TB2);
    FloatVector b4 = FloatVector.broadcast(S, TB4);
    FloatVector b6 = FloatVector.broadcast(S, TB6);
    for (int i = 0; i < n; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i);
      FloatVector c =
          v.blend(hi, v.compare(VectorOperators.GT, hi))
              .blend(lo, v.compare(VectorOperators.LT, lo));
      FloatVector c2 = c.mul(c);
      FloatVector p = c2.fma(a13, a11).fma(c2, a9).fma(c2, a7).fma(c2, a5);
      p = p.fma(c2, a3).fma(c2, a1).mul(c);
      FloatVector q = c2.fma(b6, b4).fma(c2, b2).fma(c2, b0);
      p.div(q).blend(v, v.abs().compare(VectorOperators.LT, linear)).intoArray(y, yo + i);
    }
  }

  /** {@code 1 / (1 + e^-v)} in each lane ({@link VecMath#exp}, then an add and a division). */
  private static FloatVector sigmoid(FloatVector v, FloatVector one) {
    return one.div(VecMath.exp(v.neg()).add(one));
  }
}

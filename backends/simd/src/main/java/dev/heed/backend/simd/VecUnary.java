package dev.heed.backend.simd;

import dev.heed.core.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code unary} with the preferred vector species. The hot operations (NEG, ABS, SQUARE,
 * SQRT, RECIPROCAL, EXP, LOG, TANH, SIGMOID, RELU, AFFINE, STEP) are computed in float lanes (the
 * transcendental ones through the JDK's vector math library, within about 1 ulp, well inside the
 * contract's 1e-5 relative tolerance); the others, and the tail that does not fill a vector, use
 * {@link UnaryOp#apply} in float64 rounded once, exactly as the reference backend does.
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
    if (!vectorised(op)) {
      for (int i = from; i < to; i++) {
        y[i] = (float) op.apply(x[i], a, b);
      }
      return;
    }
    int i = from;
    int end = from + S.loopBound(to - from);
    // broadcasts hoisted out of the loop (a ternary FMA of broadcasts was measured not to be
    // intrinsified here, falling back to a per-lane loop)
    FloatVector va = FloatVector.broadcast(S, (float) a);
    FloatVector vb = FloatVector.broadcast(S, (float) b);
    FloatVector zero = FloatVector.zero(S);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (; i < end; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, i);
      FloatVector r =
          switch (op) {
            case NEG -> v.neg();
            case ABS -> v.abs();
            case SQUARE -> v.mul(v);
            case SQRT -> v.sqrt();
            case RECIPROCAL -> one.div(v);
            case EXP -> v.lanewise(VectorOperators.EXP);
            case LOG -> v.lanewise(VectorOperators.LOG);
            case TANH -> v.lanewise(VectorOperators.TANH);
            case SIGMOID -> one.div(v.neg().lanewise(VectorOperators.EXP).add(one));
            case RELU -> v.max(0f);
            case AFFINE -> v.mul(va).add(vb);
            case STEP -> zero.blend(one, v.compare(VectorOperators.GT, va));
            default -> throw new IllegalStateException("no vector kernel for " + op);
          };
      r.intoArray(y, i);
    }
    for (; i < to; i++) {
      y[i] = (float) op.apply(x[i], a, b);
    }
  }
}

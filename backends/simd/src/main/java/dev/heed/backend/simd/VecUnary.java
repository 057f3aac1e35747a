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
    int end = from + S.loopBound(to - from);
    int l = S.length();
    // one loop per operation: no dispatch and no merge of vector values inside the loop (a switch
    // in the loop body was measured several times slower once many operations flow through it)
    switch (op) {
      case NEG -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, i).neg().intoArray(y, i);
        }
      }
      case ABS -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, i).abs().intoArray(y, i);
        }
      }
      case SQUARE -> {
        for (int i = from; i < end; i += l) {
          FloatVector v = FloatVector.fromArray(S, x, i);
          v.mul(v).intoArray(y, i);
        }
      }
      case SQRT -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, i).sqrt().intoArray(y, i);
        }
      }
      case RECIPROCAL -> {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = from; i < end; i += l) {
          one.div(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        }
      }
      case EXP -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, i).lanewise(VectorOperators.EXP).intoArray(y, i);
        }
      }
      case LOG -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, i).lanewise(VectorOperators.LOG).intoArray(y, i);
        }
      }
      case TANH -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
        }
      }
      case SIGMOID -> {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = from; i < end; i += l) {
          FloatVector v = FloatVector.fromArray(S, x, i);
          one.div(v.neg().lanewise(VectorOperators.EXP).add(one)).intoArray(y, i);
        }
      }
      case RELU -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        }
      }
      case AFFINE -> {
        // broadcasts hoisted out of the loop (a ternary FMA of broadcasts was measured not to be
        // intrinsified here, falling back to a per-lane loop)
        FloatVector va = FloatVector.broadcast(S, (float) a);
        FloatVector vb = FloatVector.broadcast(S, (float) b);
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, x, i).mul(va).add(vb).intoArray(y, i);
        }
      }
      case STEP -> {
        FloatVector va = FloatVector.broadcast(S, (float) a);
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = from; i < end; i += l) {
          FloatVector v = FloatVector.fromArray(S, x, i);
          zero.blend(one, v.compare(VectorOperators.GT, va)).intoArray(y, i);
        }
      }
      default -> throw new IllegalStateException("no vector kernel for " + op);
    }
    int i = end;
    for (; i < to; i++) {
      y[i] = (float) op.apply(x[i], a, b);
    }
  }
}

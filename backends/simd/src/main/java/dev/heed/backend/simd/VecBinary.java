package dev.heed.backend.simd;

import dev.heed.core.backend.BinaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code binary} with the preferred vector species, on contiguous views of one shape and
 * row by row on broadcasting views whose rows are contiguous or a repeated scalar. Only ADD, SUB,
 * MUL and DIV are here: their correctly rounded float results are identical to the reference's,
 * lane by lane.
 */
final class VecBinary {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VecBinary() {}

  /** Whether {@code op} has a vector kernel here. */
  static boolean vectorised(BinaryOp op) {
    return switch (op) {
      case ADD, SUB, MUL, DIV -> true;
      default -> false;
    };
  }

  /** {@code o[oo+i] = op(a[oa+i], b[ob+i])} for {@code i} in {@code [from, to)}. */
  static void dense(
      BinaryOp op, float[] a, int oa, float[] b, int ob, float[] o, int oo, int from, int to) {
    int end = from + S.loopBound(to - from);
    int l = S.length();
    // one loop per operation, so that no dispatch or merge of vectors sits inside a loop
    switch (op) {
      case ADD -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, a, oa + i)
              .add(FloatVector.fromArray(S, b, ob + i))
              .intoArray(o, oo + i);
        }
      }
      case SUB -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, a, oa + i)
              .sub(FloatVector.fromArray(S, b, ob + i))
              .intoArray(o, oo + i);
        }
      }
      case MUL -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, a, oa + i)
              .mul(FloatVector.fromArray(S, b, ob + i))
              .intoArray(o, oo + i);
        }
      }
      case DIV -> {
        for (int i = from; i < end; i += l) {
          FloatVector.fromArray(S, a, oa + i)
              .div(FloatVector.fromArray(S, b, ob + i))
              .intoArray(o, oo + i);
        }
      }
      default -> throw new IllegalStateException("no vector kernel for " + op);
    }
    int i = end;
    for (; i < to; i++) {
      float x = a[oa + i];
      float y = b[ob + i];
      o[oo + i] =
          switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            default -> throw new IllegalStateException("no vector kernel for " + op);
          };
    }
  }

  /**
   * One row of {@code n} elements: {@code o[oi+j] = op(a[ai+j·sa], b[bi+j·sb])} where each of
   * {@code sa} and {@code sb} is 0 (a scalar repeated along the row) or 1 (contiguous).
   */
  static void row(
      BinaryOp op, float[] a, int ai, int sa, float[] b, int bi, int sb, float[] o, int oi, int n) {
    if (sa == 1 && sb == 1) {
      dense(op, a, ai, b, bi, o, oi, 0, n);
      return;
    }
    int j = 0;
    int end = S.loopBound(n);
    if (sb == 0) {
      float y = b[bi];
      FloatVector vy = FloatVector.broadcast(S, y);
      for (; j < end; j += S.length()) {
        FloatVector x = FloatVector.fromArray(S, a, ai + j);
        apply(op, x, vy).intoArray(o, oi + j);
      }
      for (; j < n; j++) {
        o[oi + j] = apply(op, a[ai + j], y);
      }
    } else {
      float x = a[ai];
      FloatVector vx = FloatVector.broadcast(S, x);
      for (; j < end; j += S.length()) {
        FloatVector y = FloatVector.fromArray(S, b, bi + j);
        apply(op, vx, y).intoArray(o, oi + j);
      }
      for (; j < n; j++) {
        o[oi + j] = apply(op, x, b[bi + j]);
      }
    }
  }

  private static FloatVector apply(BinaryOp op, FloatVector x, FloatVector y) {
    return switch (op) {
      case ADD -> x.add(y);
      case SUB -> x.sub(y);
      case MUL -> x.mul(y);
      case DIV -> x.div(y);
      default -> throw new IllegalStateException("no vector kernel for " + op);
    };
  }

  private static float apply(BinaryOp op, float x, float y) {
    return switch (op) {
      case ADD -> x + y;
      case SUB -> x - y;
      case MUL -> x * y;
      case DIV -> x / y;
      default -> throw new IllegalStateException("no vector kernel for " + op);
    };
  }
}

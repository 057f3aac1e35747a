package dev.heed.backend.simd;

import dev.heed.core.backend.BinaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code binary} on contiguous views of one shape (no broadcasting) with the preferred
 * vector species. Only ADD, SUB, MUL and DIV are here: their correctly rounded float results are
 * identical to the reference's, lane by lane.
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
    int i = from;
    int end = from + S.loopBound(to - from);
    for (; i < end; i += S.length()) {
      FloatVector x = FloatVector.fromArray(S, a, oa + i);
      FloatVector y = FloatVector.fromArray(S, b, ob + i);
      FloatVector r =
          switch (op) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            case DIV -> x.div(y);
            default -> throw new IllegalStateException("no vector kernel for " + op);
          };
      r.intoArray(o, oo + i);
    }
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
}

package dev.heed.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code reduce SUM} of an {@code [outer, axis, inner]} view whose innermost elements are
 * contiguous (rows of a strided view included) with the preferred vector species, split over
 * threads: rows ({@code inner == 1}) are summed in vector lanes, the lanes added in a fixed order
 * ({@link VecMath#sum}: the same bits interpreted or compiled) and the tail in double; columns
 * ({@code inner > 1}) are accumulated a vector of columns at a time down the axis. Sums are in
 * float lanes rather than the reference's float64, which stays well within the contract's tolerance
 * (relative to the sum of the magnitudes).
 */
final class VecReduce {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int GRAIN = 1 << 16;

  private VecReduce() {}

  /**
   * Sums the view whose element {@code (o, j, i)} is {@code x[xo + o·so + j·sa + i]} along {@code
   * j} into contiguous {@code out[o·inner + i]}. With {@code inner == 1} the rows must be
   * contiguous ({@code sa == 1}, or {@code axis == 1}).
   */
  static void sum(
      Workers workers,
      float[] x,
      int xo,
      int so,
      int sa,
      int outer,
      int axis,
      int inner,
      float[] out) {
    long total = (long) outer * axis * inner;
    if (inner == 1) {
      workers.parallelRange(
          outer,
          Math.max(1, GRAIN / Math.max(1, axis)),
          (from, to) -> {
            for (int o = (int) from; o < to; o++) {
              out[o] = row(x, xo + o * so, axis);
            }
          });
      return;
    }
    if (outer > 1 || total < GRAIN) {
      workers.parallelRange(
          outer,
          Math.max(1, GRAIN / Math.max(1, (long) axis * inner)),
          (from, to) -> {
            for (int o = (int) from; o < to; o++) {
              columns(x, xo + o * so, sa, axis, out, o * inner, 0, inner);
            }
          });
      return;
    }
    // one outer slice, many columns: split the columns
    int chunks = Math.max(1, Math.min(workers.threads(), inner / S.length()));
    int step = ((inner + chunks - 1) / chunks + S.length() - 1) / S.length() * S.length();
    workers.parallelFor(
        chunks, c -> columns(x, xo, sa, axis, out, 0, c * step, Math.min(inner, (c + 1) * step)));
  }

  private static float row(float[] x, int base, int n) {
    FloatVector acc = FloatVector.zero(S);
    int i = 0;
    int bound = S.loopBound(n);
    for (; i < bound; i += S.length()) {
      acc = acc.add(FloatVector.fromArray(S, x, base + i));
    }
    double s = VecMath.sum(acc);
    for (; i < n; i++) {
      s += x[base + i];
    }
    return (float) s;
  }

  /**
   * {@code out[ob + i] = Σ_j x[xb + j·sa + i]} for {@code j < axis} and columns {@code i} in {@code
   * [from, to)}.
   */
  private static void columns(
      float[] x, int xb, int sa, int axis, float[] out, int ob, int from, int to) {
    int i = from;
    int l = S.length();
    // eight vectors of columns at a time: each row contributes 8·L contiguous floats (a walk down
    // one vector of columns alone reads one cache line per row, a row apart, and waits on one
    // chain of additions); every column still sums its rows in order
    for (; i + 8 * l <= to; i += 8 * l) {
      FloatVector a0 = FloatVector.zero(S);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector a4 = a0;
      FloatVector a5 = a0;
      FloatVector a6 = a0;
      FloatVector a7 = a0;
      for (int j = 0; j < axis; j++) {
        int r = xb + j * sa + i;
        a0 = a0.add(FloatVector.fromArray(S, x, r));
        a1 = a1.add(FloatVector.fromArray(S, x, r + l));
        a2 = a2.add(FloatVector.fromArray(S, x, r + 2 * l));
        a3 = a3.add(FloatVector.fromArray(S, x, r + 3 * l));
        a4 = a4.add(FloatVector.fromArray(S, x, r + 4 * l));
        a5 = a5.add(FloatVector.fromArray(S, x, r + 5 * l));
        a6 = a6.add(FloatVector.fromArray(S, x, r + 6 * l));
        a7 = a7.add(FloatVector.fromArray(S, x, r + 7 * l));
      }
      a0.intoArray(out, ob + i);
      a1.intoArray(out, ob + i + l);
      a2.intoArray(out, ob + i + 2 * l);
      a3.intoArray(out, ob + i + 3 * l);
      a4.intoArray(out, ob + i + 4 * l);
      a5.intoArray(out, ob + i + 5 * l);
      a6.intoArray(out, ob + i + 6 * l);
      a7.intoArray(out, ob + i + 7 * l);
    }
    int bound = i + S.loopBound(to - i);
    for (; i < bound; i += S.length()) {
      FloatVector acc = FloatVector.zero(S);
      for (int j = 0; j < axis; j++) {
        acc = acc.add(FloatVector.fromArray(S, x, xb + j * sa + i));
      }
      acc.intoArray(out, ob + i);
    }
    if (i < to) {
      // the last columns (all of them in a narrow layer's bias gradient) as one masked vector: each
      // lane still sums its column in row order, as the scalar loop did
      VectorMask<Float> m = S.indexInRange(i, to);
      FloatVector acc = FloatVector.zero(S);
      for (int j = 0; j < axis; j++) {
        acc = acc.add(FloatVector.fromArray(S, x, xb + j * sa + i, m));
      }
      acc.intoArray(out, ob + i, m);
    }
  }
}

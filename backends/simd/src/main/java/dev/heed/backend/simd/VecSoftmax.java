package dev.heed.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code softmax} and {@code log-softmax} of contiguous rows ({@code inner == 1}, the
 * attention and classifier case, the rows of a strided view included) with the preferred vector
 * species: a vector maximum, then {@code exp(x - max)} ({@link VecMath#exp}) written to {@code y}
 * while summing in float lanes, the lanes then added by {@link VecMath#sum}, then one scaling pass
 * (softmax) or one pass subtracting {@code max + log(sum)} (log-softmax). The elements after the
 * last full vector (all of a row shorter than a vector, as a ten-class classifier's) are one masked
 * vector in every pass, each in the lane it would have in a further full vector. Every operation
 * has exactly specified results, so a row's bits do not depend on whether the kernel runs
 * interpreted or compiled. A row that is all -∞ gives NaN everywhere (as {@code -∞ - -∞} is NaN),
 * like the reference. {@code y} may be {@code x} read from element 0.
 */
final class VecSoftmax {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VecSoftmax() {}

  /**
   * Rows {@code [from, to)} of length {@code n}: row {@code r} of {@code x} starts at {@code xo +
   * r·rs} (its elements contiguous), of {@code y} at {@code r·n}; {@code y} may be {@code x} when
   * {@code xo} is 0 and {@code rs} is {@code n}.
   */
  static void rows(float[] x, int xo, int rs, float[] y, int n, boolean log, int from, int to) {
    int l = S.length();
    int bound = S.loopBound(n);
    // the last elements: lanes [0, n - bound) of one more vector
    VectorMask<Float> tail = S.indexInRange(bound, n);
    boolean partial = bound < n;
    for (int r = from; r < to; r++) {
      int xb = xo + r * rs;
      int base = r * n;
      FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      for (int i = 0; i < bound; i += l) {
        vmax = vmax.max(FloatVector.fromArray(S, x, xb + i));
      }
      if (partial) {
        vmax = vmax.max(FloatVector.fromArray(S, x, xb + bound, tail).blend(vmax, tail.not()));
      }
      FloatVector vm = FloatVector.broadcast(S, vmax.reduceLanes(VectorOperators.MAX));
      FloatVector vsum = FloatVector.zero(S);
      for (int i = 0; i < bound; i += l) {
        FloatVector e = VecMath.exp(FloatVector.fromArray(S, x, xb + i).sub(vm));
        if (!log) {
          e.intoArray(y, base + i);
        }
        vsum = vsum.add(e);
      }
      if (partial) {
        // lanes past the row are x - max = 0 (exp's short path), then left out of the sum
        FloatVector d = FloatVector.fromArray(S, x, xb + bound, tail).blend(vm, tail.not()).sub(vm);
        FloatVector e = VecMath.exp(d);
        if (!log) {
          e.intoArray(y, base + bound, tail);
        }
        vsum = vsum.add(e, tail);
      }
      float sum = VecMath.sum(vsum);
      if (log) {
        FloatVector vl = FloatVector.broadcast(S, (float) Math.log(sum));
        for (int i = 0; i < bound; i += l) {
          FloatVector.fromArray(S, x, xb + i).sub(vm).sub(vl).intoArray(y, base + i);
        }
        if (partial) {
          FloatVector.fromArray(S, x, xb + bound, tail)
              .sub(vm)
              .sub(vl)
              .intoArray(y, base + bound, tail);
        }
      } else {
        FloatVector vi = FloatVector.broadcast(S, (float) (1.0 / sum));
        for (int i = 0; i < bound; i += l) {
          FloatVector.fromArray(S, y, base + i).mul(vi).intoArray(y, base + i);
        }
        if (partial) {
          FloatVector.fromArray(S, y, base + bound, tail).mul(vi).intoArray(y, base + bound, tail);
        }
      }
    }
  }
}

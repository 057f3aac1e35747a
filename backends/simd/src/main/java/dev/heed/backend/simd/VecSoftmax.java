package dev.heed.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * FLOAT32 {@code softmax} and {@code log-softmax} of contiguous rows ({@code inner == 1}, the
 * attention and classifier case, the rows of a strided view included) with the preferred vector
 * species: a vector maximum, then {@code exp(x - max)} written to {@code y} while summing (in float
 * lanes, the sum then finished in double), then one scaling pass. A row that is all -∞ gives NaN
 * everywhere (as {@code -∞ - -∞} is NaN), like the reference. {@code y} may be {@code x} read from
 * element 0.
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
    int bound = S.loopBound(n);
    for (int r = from; r < to; r++) {
      int xb = xo + r * rs;
      int base = r * n;
      FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
      int i = 0;
      for (; i < bound; i += S.length()) {
        vmax = vmax.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, x, xb + i));
      }
      float max = vmax.reduceLanes(VectorOperators.MAX);
      for (; i < n; i++) {
        max = Math.max(max, x[xb + i]);
      }
      FloatVector vm = FloatVector.broadcast(S, max);
      FloatVector vsum = FloatVector.zero(S);
      double sum = 0;
      i = 0;
      if (log) {
        for (; i < bound; i += S.length()) {
          vsum =
              vsum.add(FloatVector.fromArray(S, x, xb + i).sub(vm).lanewise(VectorOperators.EXP));
        }
        for (; i < n; i++) {
          sum += Math.exp(x[xb + i] - max);
        }
        float ls = (float) Math.log(sum + vsum.reduceLanes(VectorOperators.ADD));
        FloatVector vl = FloatVector.broadcast(S, ls);
        for (i = 0; i < bound; i += S.length()) {
          FloatVector.fromArray(S, x, xb + i).sub(vm).sub(vl).intoArray(y, base + i);
        }
        for (; i < n; i++) {
          y[base + i] = (x[xb + i] - max) - ls;
        }
      } else {
        for (; i < bound; i += S.length()) {
          FloatVector e = FloatVector.fromArray(S, x, xb + i).sub(vm).lanewise(VectorOperators.EXP);
          e.intoArray(y, base + i);
          vsum = vsum.add(e);
        }
        for (; i < n; i++) {
          float e = (float) Math.exp(x[xb + i] - max);
          y[base + i] = e;
          sum += e;
        }
        float inv = (float) (1.0 / (sum + vsum.reduceLanes(VectorOperators.ADD)));
        FloatVector vi = FloatVector.broadcast(S, inv);
        for (i = 0; i < bound; i += S.length()) {
          FloatVector.fromArray(S, y, base + i).mul(vi).intoArray(y, base + i);
        }
        for (; i < n; i++) {
          y[base + i] *= inv;
        }
      }
    }
  }
}

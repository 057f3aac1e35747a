package dev.heed.testkit;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;

/**
 * Host implementations of the backend kernels in float64, written from the kernels' Javadoc: the
 * expected values of {@link BackendContract}. Each returns the expected contents of the output
 * buffer, given its contents before the call.
 */
final class KernelOracle {
  private KernelOracle() {}

  /** {@code v} as a buffer of {@code dtype} holds it: float32 rounding, INT32 truncation. */
  static double convert(DType dtype, double v) {
    return switch (dtype) {
      case FLOAT64 -> v;
      case FLOAT32 -> (float) v;
      case INT32 -> (int) v;
      case BFLOAT16, FLOAT16 -> dtype.widen(dtype.narrow((float) v));
    };
  }

  /** Every value converted as by {@link #convert(DType, double)}. */
  static double[] convert(DType dtype, double[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = convert(dtype, values[i]);
    }
    return out;
  }

  /** {@code Backend.copy}. */
  static double[] copy(double[] src, Layout srcLayout, double[] dst, Layout dstLayout, DType to) {
    double[] out = dst.clone();
    long n = srcLayout.elementCount();
    for (long i = 0; i < n; i++) {
      out[(int) dstLayout.indexOf(i)] = convert(to, src[(int) srcLayout.indexOf(i)]);
    }
    return out;
  }

  /** The view {@code layout} of {@code data} in row-major order. */
  static double[] read(double[] data, Layout layout) {
    double[] out = new double[(int) layout.elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data[(int) layout.indexOf(i)];
    }
    return out;
  }

  /** {@code values} written into the view {@code layout} of a copy of {@code data}. */
  static double[] write(double[] data, Layout layout, double[] values) {
    double[] out = data.clone();
    for (int i = 0; i < values.length; i++) {
      out[(int) layout.indexOf(i)] = values[i];
    }
    return out;
  }

  /** {@code Backend.reduce} of {@code [outer, axis, inner]}. */
  static double[] reduce(ReduceOp op, double[] x, int outer, int axis, int inner) {
    double[] out = new double[outer * inner];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double acc =
            switch (op) {
              case SUM -> 0;
              case MAX -> Double.NEGATIVE_INFINITY;
              case MIN -> Double.POSITIVE_INFINITY;
              case ARGMAX, ARGMIN -> Double.NaN;
            };
        int best = 0;
        for (int j = 0; j < axis; j++) {
          double v = x[(o * axis + j) * inner + i];
          switch (op) {
            case SUM -> acc += v;
            case MAX -> acc = Double.isNaN(acc) || Double.isNaN(v) ? Double.NaN : Math.max(acc, v);
            case MIN -> acc = Double.isNaN(acc) || Double.isNaN(v) ? Double.NaN : Math.min(acc, v);
            case ARGMAX -> {
              if (j == 0 || v > acc) {
                acc = v;
                best = j;
              }
            }
            case ARGMIN -> {
              if (j == 0 || v < acc) {
                acc = v;
                best = j;
              }
            }
          }
        }
        out[o * inner + i] = op.producesIndices() ? best : acc;
      }
    }
    return out;
  }

  /** {@code Σ|x|} along the reduced axis: the scale of a sum's rounding error. */
  static double[] absoluteSums(double[] x, int outer, int axis, int inner) {
    double[] abs = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      abs[i] = Math.abs(x[i]);
    }
    return reduce(ReduceOp.SUM, abs, outer, axis, inner);
  }

  /** {@code Backend.softmax} of {@code [outer, axis, inner]}. */
  static double[] softmax(double[] x, int outer, int axis, int inner, boolean log) {
    double[] y = new double[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < axis; j++) {
          max = Math.max(max, x[(o * axis + j) * inner + i]);
        }
        double sum = 0;
        for (int j = 0; j < axis; j++) {
          sum += Math.exp(x[(o * axis + j) * inner + i] - max);
        }
        for (int j = 0; j < axis; j++) {
          int at = (o * axis + j) * inner + i;
          double shifted = x[at] - max;
          y[at] = log ? shifted - Math.log(sum) : Math.exp(shifted) / sum;
        }
      }
    }
    return y;
  }

  /**
   * {@code Backend.matmul}, with the leading dimensions {@code lda} and {@code ldb}: the expected
   * contents of C and, in {@code scale}, the magnitude of the terms of each element ({@code
   * |alpha|·Σ|a·b| + |beta·c|}) for the tolerance.
   */
  static double[] matmul(MatmulSpec s, double[] a, double[] b, double[] c, double[] scale) {
    double[] out = c.clone();
    for (int batch = 0; batch < s.batch(); batch++) {
      long aBase = s.aOffset() + batch * s.aBatchStride();
      long bBase = s.bOffset() + batch * s.bBatchStride();
      long cBase = s.cOffset() + batch * s.cBatchStride();
      for (int i = 0; i < s.m(); i++) {
        for (int j = 0; j < s.n(); j++) {
          double sum = 0;
          double abs = 0;
          for (int p = 0; p < s.k(); p++) {
            double av =
                a[(int) (aBase + (s.transA() ? (long) p * s.lda() + i : (long) i * s.lda() + p))];
            double bv =
                b[(int) (bBase + (s.transB() ? (long) j * s.ldb() + p : (long) p * s.ldb() + j))];
            sum += av * bv;
            abs += Math.abs(av * bv);
          }
          int at = (int) (cBase + (long) i * s.n() + j);
          double old = s.beta() == 0 ? 0 : s.beta() * c[at];
          out[at] = s.alpha() * sum + old;
          scale[at] = Math.abs(s.alpha()) * abs + Math.abs(old);
        }
      }
    }
    return out;
  }

  /** {@code Backend.gather}. */
  static double[] gather(double[] src, int outer, int axis, int inner, int[] indices) {
    int count = indices.length;
    double[] out = new double[outer * count * inner];
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < count; j++) {
        for (int i = 0; i < inner; i++) {
          out[(o * count + j) * inner + i] = src[(o * axis + indices[j]) * inner + i];
        }
      }
    }
    return out;
  }

  /** {@code Backend.scatterAdd} into {@code out}; {@code scale} gets {@code Σ|terms|}. */
  static double[] scatterAdd(
      double[] src, int outer, int inner, int[] indices, int axis, double[] out, double[] scale) {
    int count = indices.length;
    double[] r = out.clone();
    for (int k = 0; k < r.length; k++) {
      scale[k] = Math.abs(out[k]);
    }
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < count; j++) {
        for (int i = 0; i < inner; i++) {
          int at = (o * axis + indices[j]) * inner + i;
          double v = src[(o * count + j) * inner + i];
          r[at] += v;
          scale[at] += Math.abs(v);
        }
      }
    }
    return r;
  }
}

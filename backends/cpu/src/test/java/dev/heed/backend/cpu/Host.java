package dev.heed.backend.cpu;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import java.lang.foreign.MemorySegment;

/** Moving test data between Java arrays and buffers of any dtype. */
final class Host {
  private Host() {}

  /** A new buffer of {@code dtype} holding {@code values} (rounded to float for FLOAT32). */
  static Buffer of(Backend backend, DType dtype, double... values) {
    Buffer b = backend.allocate(dtype, values.length);
    switch (dtype) {
      case FLOAT32 -> {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) values[i];
        }
        backend.upload(MemorySegment.ofArray(f), b, 0, f.length);
      }
      case FLOAT64 -> backend.upload(MemorySegment.ofArray(values), b, 0, values.length);
      case INT32 -> {
        int[] v = new int[values.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = (int) values[i];
        }
        backend.upload(MemorySegment.ofArray(v), b, 0, v.length);
      }
      case BFLOAT16, FLOAT16 -> {
        short[] h = new short[values.length];
        for (int i = 0; i < h.length; i++) {
          h[i] = dtype.narrow((float) values[i]);
        }
        backend.upload(MemorySegment.ofArray(h), b, 0, h.length);
      }
    }
    return b;
  }

  /** A new INT32 buffer holding {@code values}. */
  static Buffer ints(Backend backend, int... values) {
    Buffer b = backend.allocate(DType.INT32, values.length);
    backend.upload(MemorySegment.ofArray(values), b, 0, values.length);
    return b;
  }

  /** A buffer of {@code dtype} holding {@code 0, 1, …, n-1}. */
  static Buffer iota(Backend backend, DType dtype, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
    }
    return of(backend, dtype, v);
  }

  /** Every element of {@code b} as a double. */
  static double[] read(Backend backend, Buffer b) {
    int n = (int) b.size();
    double[] out = new double[n];
    switch (b.dtype()) {
      case FLOAT32 -> {
        float[] f = new float[n];
        backend.download(b, 0, n, MemorySegment.ofArray(f));
        for (int i = 0; i < n; i++) {
          out[i] = f[i];
        }
      }
      case FLOAT64 -> backend.download(b, 0, n, MemorySegment.ofArray(out));
      case INT32 -> {
        int[] v = readInts(backend, b);
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case BFLOAT16, FLOAT16 -> {
        short[] h = new short[n];
        backend.download(b, 0, n, MemorySegment.ofArray(h));
        for (int i = 0; i < n; i++) {
          out[i] = b.dtype().widen(h[i]);
        }
      }
    }
    return out;
  }

  /** Every element of an INT32 buffer. */
  static int[] readInts(Backend backend, Buffer b) {
    int[] v = new int[(int) b.size()];
    backend.download(b, 0, v.length, MemorySegment.ofArray(v));
    return v;
  }

  /** {@code unary} over the first {@code n} elements of {@code x} into those of {@code y}. */
  static void unary(Backend backend, UnaryOp op, double a, double b, Buffer x, Buffer y, long n) {
    Layout l = Layout.contiguous((int) n);
    backend.unary(op, a, b, x, l, y, l);
  }

  /** {@code reduce} of contiguous {@code [outer, axis, inner]}. */
  static void reduce(
      Backend backend, ReduceOp op, Buffer x, int outer, int axis, int inner, Buffer out) {
    backend.reduce(op, x, Layout.contiguous(outer, axis, inner), out);
  }

  /** {@code softmax} of contiguous {@code [outer, axis, inner]}. */
  static void softmax(
      Backend backend, Buffer x, int outer, int axis, int inner, boolean log, Buffer y) {
    backend.softmax(x, Layout.contiguous(outer, axis, inner), log, y);
  }

  /** A comparison tolerance for hand-computed values in {@code dtype}. */
  static double tol(DType dtype) {
    return dtype == DType.FLOAT32 ? 1e-6 : 1e-13;
  }
}

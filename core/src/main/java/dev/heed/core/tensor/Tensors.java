package dev.heed.core.tensor;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Kernels;
import java.lang.foreign.MemorySegment;

/** Creating tensors: constants, host data, random numbers. */
public final class Tensors {
  private Tensors() {}

  /** A tensor of zeros. */
  public static Tensor zeros(Backend backend, Shape shape, DType dtype) {
    return Tensor.allocate(backend, shape, dtype);
  }

  /** A tensor of zeros with the shape, type and backend of {@code like}. */
  public static Tensor zerosLike(Tensor like) {
    return zeros(like.backend(), like.shape(), like.dtype());
  }

  /** A tensor of ones. */
  public static Tensor ones(Backend backend, Shape shape, DType dtype) {
    return full(backend, shape, dtype, 1.0);
  }

  /** A tensor filled with {@code value}. */
  public static Tensor full(Backend backend, Shape shape, DType dtype, double value) {
    Tensor t = Tensor.allocate(backend, shape, dtype);
    if (value != 0.0) {
      Kernels.fill(backend, t.buffer(), 0, shape.size(), value);
    }
    return t;
  }

  /** A rank-0 tensor holding {@code value}. */
  public static Tensor scalar(Backend backend, DType dtype, double value) {
    return full(backend, Shape.scalar(), dtype, value);
  }

  /**
   * A tensor holding {@code values} in row-major order.
   *
   * @throws IllegalArgumentException when the number of values is not the shape's size
   */
  public static Tensor of(Backend backend, DType dtype, float[] values, int... shape) {
    Shape s = Shape.of(shape);
    checkCount(values.length, s);
    Tensor t = Tensor.allocate(backend, s, dtype);
    switch (dtype) {
      case FLOAT32 ->
          Kernels.upload(backend, MemorySegment.ofArray(values), t.buffer(), 0, values.length);
      case FLOAT64 -> {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
          d[i] = values[i];
        }
        Kernels.upload(backend, MemorySegment.ofArray(d), t.buffer(), 0, d.length);
      }
      case INT32 -> throw new IllegalArgumentException("use Tensors.indices for INT32 data");
      case BFLOAT16, FLOAT16 -> {
        short[] h = new short[values.length];
        for (int i = 0; i < h.length; i++) {
          h[i] = dtype.narrow(values[i]);
        }
        Kernels.upload(backend, MemorySegment.ofArray(h), t.buffer(), 0, h.length);
      }
    }
    return t;
  }

  /** A tensor holding {@code values} in row-major order, converted to {@code dtype}. */
  public static Tensor of(Backend backend, DType dtype, double[] values, int... shape) {
    Shape s = Shape.of(shape);
    checkCount(values.length, s);
    Tensor t = Tensor.allocate(backend, s, dtype);
    switch (dtype) {
      case FLOAT64 ->
          Kernels.upload(backend, MemorySegment.ofArray(values), t.buffer(), 0, values.length);
      case FLOAT32 -> {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) values[i];
        }
        Kernels.upload(backend, MemorySegment.ofArray(f), t.buffer(), 0, f.length);
      }
      case INT32 -> throw new IllegalArgumentException("use Tensors.indices for INT32 data");
      case BFLOAT16, FLOAT16 ->
          throw new IllegalArgumentException(
              "a "
                  + dtype
                  + " tensor is made from float values (one rounding): use Tensors.of(backend,"
                  + " dtype, float[], shape)");
    }
    return t;
  }

  /**
   * An INT32 tensor of indices. Their range is noted as they are uploaded, so index operations
   * check them against an extent without reading them back from the device.
   */
  public static Tensor indices(Backend backend, int[] values, int... shape) {
    Shape s = Shape.of(shape);
    checkCount(values.length, s);
    Tensor t = Tensor.allocate(backend, s, DType.INT32);
    Kernels.upload(backend, MemorySegment.ofArray(values), t.buffer(), 0, values.length);
    long max = -1;
    for (int v : values) {
      if (v < 0) {
        max = Long.MAX_VALUE;
        break;
      }
      max = Math.max(max, v);
    }
    t.knowIndexBound(max == Long.MAX_VALUE ? -1 : max + 1);
    return t;
  }

  /** Random numbers from the counter-based stream {@code seed} (see {@link Distribution}). */
  public static Tensor random(
      Backend backend,
      Shape shape,
      DType dtype,
      Distribution distribution,
      double a,
      double b,
      long seed) {
    Tensor t = Tensor.allocateForOverwrite(backend, shape, dtype);
    Kernels.random(backend, distribution, a, b, seed, 0, t.buffer(), shape.size());
    return t;
  }

  /** Uniform on {@code [low, high)}. */
  public static Tensor uniform(
      Backend backend, Shape shape, DType dtype, double low, double high, long seed) {
    return random(backend, shape, dtype, Distribution.UNIFORM, low, high, seed);
  }

  /** Normal with the given mean and standard deviation. */
  public static Tensor normal(
      Backend backend, Shape shape, DType dtype, double mean, double std, long seed) {
    return random(backend, shape, dtype, Distribution.NORMAL, mean, std, seed);
  }

  /** The {@code n × n} identity matrix. */
  public static Tensor eye(Backend backend, int n, DType dtype) {
    Tensor t = Tensor.allocate(backend, Shape.of(n, n), dtype);
    // the diagonal is every (n+1)-th element: view the buffer as [n] with stride n+1
    Kernels.copy(
        backend,
        full(backend, Shape.of(1), dtype, 1.0).buffer(),
        new dev.heed.core.backend.Layout(new int[] {n}, new long[] {0}, 0),
        t.buffer(),
        new dev.heed.core.backend.Layout(new int[] {n}, new long[] {n + 1L}, 0));
    return t;
  }

  /**
   * Fills {@code t} (a whole tensor, contiguous from element 0, such as a new parameter) with
   * random numbers from the counter-based stream {@code seed}, in place.
   */
  public static void fillRandom(
      Tensor t, Distribution distribution, double a, double b, long seed) {
    if (!t.dense()) {
      throw new IllegalArgumentException(
          "fillRandom: tensor " + t.shape() + " is a view; fill a whole tensor");
    }
    Kernels.random(t.backend(), distribution, a, b, seed, 0, t.buffer(), t.size());
    t.bumpVersion();
  }

  /** A copy of {@code t} on another backend (through the host), without tape history. */
  public static Tensor copyTo(Tensor t, Backend backend) {
    return switch (t.dtype()) {
      case FLOAT32 -> of(backend, DType.FLOAT32, t.toFloatArray(), t.shape().dims());
      case FLOAT64 -> of(backend, DType.FLOAT64, t.toDoubleArray(), t.shape().dims());
      case INT32 -> indices(backend, t.toIntArray(), t.shape().dims());
      case BFLOAT16, FLOAT16 -> of(backend, t.dtype(), t.toFloatArray(), t.shape().dims());
    };
  }

  private static void checkCount(int count, Shape s) {
    if (count != s.size()) {
      throw new IllegalArgumentException(
          "tensor data: "
              + count
              + " values do not fill shape "
              + s
              + " ("
              + s.size()
              + " elements)");
    }
  }
}

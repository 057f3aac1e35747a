package dev.heed.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The buffers one contract test allocates on a backend, filled from and read back into host {@code
 * double[]}s (converted to the buffer's type), and released together by {@link #close()}. Transfers
 * of no elements are not issued (core never issues them).
 */
final class DeviceBuffers implements AutoCloseable {
  private final Backend backend;
  private final List<Buffer> open = new ArrayList<>();

  DeviceBuffers(Backend backend) {
    this.backend = backend;
  }

  /** A new zeroed buffer of {@code size} elements. */
  Buffer allocate(DType t, long size) {
    Buffer b = backend.allocate(t, size);
    assertNotNull(b, "backend '" + backend.name() + "' allocate returned null");
    open.add(b);
    assertEquals(size, b.size(), "backend '" + backend.name() + "' allocate size");
    return b;
  }

  /** A new buffer holding {@code values} as {@code t}. */
  Buffer upload(DType t, double[] values) {
    Buffer b = allocate(t, values.length);
    if (values.length > 0) {
      backend.upload(segment(t, values), b, 0, values.length);
    }
    return b;
  }

  /** A new buffer of {@code n} elements, each {@code value}. */
  Buffer filled(DType t, int n, double value) {
    double[] v = new double[n];
    Arrays.fill(v, value);
    return upload(t, v);
  }

  /** Every element of {@code b}. */
  double[] download(Buffer b) {
    return download(backend, b);
  }

  /** Every element of {@code b}, a buffer of {@code backend}. */
  static double[] download(Backend backend, Buffer b) {
    return download(backend, b, 0, b.size());
  }

  /** {@code count} elements of {@code b} from element {@code offset}, as doubles. */
  static double[] download(Backend backend, Buffer b, long offset, long count) {
    int n = Math.toIntExact(count);
    double[] out = new double[n];
    if (n == 0) {
      return out; // core never issues an empty transfer
    }
    switch (b.dtype()) {
      case FLOAT64 -> backend.download(b, offset, count, MemorySegment.ofArray(out));
      case FLOAT32 -> {
        float[] f = new float[n];
        backend.download(b, offset, count, MemorySegment.ofArray(f));
        for (int i = 0; i < n; i++) {
          out[i] = f[i];
        }
      }
      case INT32 -> {
        int[] v = new int[n];
        backend.download(b, offset, count, MemorySegment.ofArray(v));
        for (int i = 0; i < n; i++) {
          out[i] = v[i];
        }
      }
      case BFLOAT16, FLOAT16 -> {
        short[] h = new short[n];
        backend.download(b, offset, count, MemorySegment.ofArray(h));
        for (int i = 0; i < n; i++) {
          out[i] = b.dtype().widen(h[i]);
        }
      }
    }
    return out;
  }

  /** {@code values} as host memory of type {@code t}. */
  static MemorySegment segment(DType t, double[] values) {
    return switch (t) {
      case FLOAT64 -> MemorySegment.ofArray(values.clone());
      case FLOAT32 -> {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = (float) values[i];
        }
        yield MemorySegment.ofArray(f);
      }
      case INT32 -> {
        int[] v = new int[values.length];
        for (int i = 0; i < v.length; i++) {
          v[i] = (int) values[i];
        }
        yield MemorySegment.ofArray(v);
      }
      case BFLOAT16, FLOAT16 -> {
        short[] h = new short[values.length];
        for (int i = 0; i < h.length; i++) {
          h[i] = t.narrow((float) values[i]);
        }
        yield MemorySegment.ofArray(h);
      }
    };
  }

  /** Releases every buffer allocated here. */
  @Override
  public void close() {
    for (Buffer b : open) {
      b.close();
    }
    open.clear();
  }
}

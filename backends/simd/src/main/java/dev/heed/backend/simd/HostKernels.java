package dev.heed.backend.simd;

import dev.heed.core.backend.Distribution;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The kernels that move or produce data without reading other buffers: {@code upload}, {@code
 * download}, {@code fill} and {@code random}. Host segments are read and written in native byte
 * order without an alignment requirement, so a {@code MemorySegment.ofArray(byte[])} works too.
 */
final class HostKernels {
  private HostKernels() {}

  static void upload(MemorySegment host, SimdBuffer dst, int offset, int count) {
    switch (dst.dtype()) {
      case FLOAT32 ->
          MemorySegment.copy(
              host, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, dst.floats(), offset, count);
      case FLOAT64 ->
          MemorySegment.copy(
              host, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, dst.doubles(), offset, count);
      case INT32 ->
          MemorySegment.copy(host, ValueLayout.JAVA_INT_UNALIGNED, 0, dst.ints(), offset, count);
    }
  }

  static void download(SimdBuffer src, int offset, int count, MemorySegment host) {
    switch (src.dtype()) {
      case FLOAT32 ->
          MemorySegment.copy(
              src.floats(), offset, host, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, count);
      case FLOAT64 ->
          MemorySegment.copy(
              src.doubles(), offset, host, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, count);
      case INT32 ->
          MemorySegment.copy(src.ints(), offset, host, ValueLayout.JAVA_INT_UNALIGNED, 0, count);
    }
  }

  /** Sets elements to {@code value}, converted as a Java cast does (INT32 truncates toward 0). */
  static void fill(SimdBuffer dst, int offset, int count, double value) {
    switch (dst.dtype()) {
      case FLOAT32 -> Arrays.fill(dst.floats(), offset, offset + count, (float) value);
      case FLOAT64 -> Arrays.fill(dst.doubles(), offset, offset + count, value);
      case INT32 -> Arrays.fill(dst.ints(), offset, offset + count, (int) value);
    }
  }

  /**
   * {@code out[i] = d.sample(seed, streamOffset + i, a, b)}, converted to the buffer's type as a
   * Java cast does.
   */
  static void random(
      Distribution d, double a, double b, long seed, long streamOffset, SimdBuffer out, int count) {
    switch (out.dtype()) {
      case FLOAT32 -> {
        float[] y = out.floats();
        for (int i = 0; i < count; i++) {
          y[i] = (float) d.sample(seed, streamOffset + i, a, b);
        }
      }
      case FLOAT64 -> {
        double[] y = out.doubles();
        for (int i = 0; i < count; i++) {
          y[i] = d.sample(seed, streamOffset + i, a, b);
        }
      }
      case INT32 -> {
        int[] y = out.ints();
        for (int i = 0; i < count; i++) {
          y[i] = (int) d.sample(seed, streamOffset + i, a, b);
        }
      }
    }
  }
}

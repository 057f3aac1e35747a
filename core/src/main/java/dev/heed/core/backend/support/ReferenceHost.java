package dev.heed.core.backend.support;

import dev.heed.core.backend.Distribution;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The kernels that move or produce data without reading other buffers, over a heap backend's buffer
 * arrays ({@code float[]}, {@code double[]} or {@code int[]}; {@code upload} and {@code download}
 * also the {@code short[]} of the 16-bit storage types): {@code upload}, {@code download}, {@code
 * fill} and {@code random}. Host segments are read and written in native byte order without an
 * alignment requirement, so a {@code MemorySegment.ofArray(byte[])} works too. Arguments are
 * checked by the caller (for example with {@code KernelChecks.range} and {@code
 * KernelChecks.hostSegment}).
 */
public final class ReferenceHost {
  private ReferenceHost() {}

  /** Copies {@code count} elements from the start of {@code host} to {@code dst[offset...]}. */
  public static void upload(MemorySegment host, Object dst, int offset, int count) {
    switch (dst) {
      case float[] d ->
          MemorySegment.copy(host, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, d, offset, count);
      case double[] d ->
          MemorySegment.copy(host, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, d, offset, count);
      case int[] d -> MemorySegment.copy(host, ValueLayout.JAVA_INT_UNALIGNED, 0, d, offset, count);
      case short[] d ->
          MemorySegment.copy(host, ValueLayout.JAVA_SHORT_UNALIGNED, 0, d, offset, count);
      default -> throw notAnArray(dst);
    }
  }

  /** Copies {@code count} elements from {@code src[offset...]} to the start of {@code host}. */
  public static void download(Object src, int offset, int count, MemorySegment host) {
    switch (src) {
      case float[] s ->
          MemorySegment.copy(s, offset, host, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, count);
      case double[] s ->
          MemorySegment.copy(s, offset, host, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, count);
      case int[] s -> MemorySegment.copy(s, offset, host, ValueLayout.JAVA_INT_UNALIGNED, 0, count);
      case short[] s ->
          MemorySegment.copy(s, offset, host, ValueLayout.JAVA_SHORT_UNALIGNED, 0, count);
      default -> throw notAnArray(src);
    }
  }

  /** Sets elements to {@code value}, converted as a Java cast does (INT32 truncates toward 0). */
  public static void fill(Object dst, int offset, int count, double value) {
    switch (dst) {
      case float[] d -> Arrays.fill(d, offset, offset + count, (float) value);
      case double[] d -> Arrays.fill(d, offset, offset + count, value);
      case int[] d -> Arrays.fill(d, offset, offset + count, (int) value);
      default -> throw notAnArray(dst);
    }
  }

  /**
   * {@code out[i] = d.sample(seed, streamOffset + i, a, b)} for {@code i < count}, converted to the
   * array's type as a Java cast does.
   */
  public static void random(
      Distribution d, double a, double b, long seed, long streamOffset, Object out, int count) {
    switch (out) {
      case float[] y -> {
        for (int i = 0; i < count; i++) {
          y[i] = (float) d.sample(seed, streamOffset + i, a, b);
        }
      }
      case double[] y -> {
        for (int i = 0; i < count; i++) {
          y[i] = d.sample(seed, streamOffset + i, a, b);
        }
      }
      case int[] y -> {
        for (int i = 0; i < count; i++) {
          y[i] = (int) d.sample(seed, streamOffset + i, a, b);
        }
      }
      default -> throw notAnArray(out);
    }
  }

  private static IllegalStateException notAnArray(Object o) {
    return new IllegalStateException("not a buffer array: " + o);
  }
}

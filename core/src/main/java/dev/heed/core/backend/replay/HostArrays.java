package dev.heed.core.backend.replay;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;

/** Java arrays as the host segments that uploads read and downloads write. */
final class HostArrays {
  private HostArrays() {}

  static MemorySegment segment(Object array, String what) {
    return switch (array) {
      case float[] a -> MemorySegment.ofArray(a);
      case double[] a -> MemorySegment.ofArray(a);
      case int[] a -> MemorySegment.ofArray(a);
      case long[] a -> MemorySegment.ofArray(a);
      case short[] a -> MemorySegment.ofArray(a);
      case char[] a -> MemorySegment.ofArray(a);
      case byte[] a -> MemorySegment.ofArray(a);
      case SeedStream s -> MemorySegment.NULL; // an input that is no data: the step's seeds
      case null -> throw new IllegalArgumentException(what + " is null; expected a Java array");
      default ->
          throw new IllegalArgumentException(
              what
                  + " is a "
                  + array.getClass().getName()
                  + "; expected a Java array of a primitive type or a SeedStream");
    };
  }

  /** The byte offset of {@code host} inside the array it views. */
  static long byteOffset(MemorySegment host, Object array) {
    return host.address() - segment(array, "host array").address();
  }

  /** A new array of the same type and length as {@code like}. */
  static Object like(Object like) {
    return Array.newInstance(like.getClass().getComponentType(), Array.getLength(like));
  }

  /**
   * Whether {@code a} is an array of the same type and length as {@code like}, or, where {@code
   * like} is a seed stream, a seed stream.
   */
  static boolean matches(Object a, Object like) {
    if (like instanceof SeedStream) {
      return a instanceof SeedStream;
    }
    return a != null
        && a.getClass() == like.getClass()
        && Array.getLength(a) == Array.getLength(like);
  }

  static String describe(Object a) {
    if (a instanceof SeedStream) {
      return "a seed stream";
    }
    return a.getClass().getComponentType().getName() + "[" + Array.getLength(a) + "]";
  }
}

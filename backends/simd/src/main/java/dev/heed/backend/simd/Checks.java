package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Argument checks shared by the kernels. Every failure is an {@link IllegalArgumentException} whose
 * message starts with the kernel's name and says what was found and what was expected.
 */
final class Checks {
  private Checks() {}

  /** {@code b} as a live buffer of {@code backend}. */
  static SimdBuffer buffer(SimdBackend backend, String kernel, String role, Buffer b) {
    if (b == null) {
      throw new IllegalArgumentException(kernel + ": buffer " + role + " is null");
    }
    if (!(b instanceof SimdBuffer cb)) {
      throw new IllegalArgumentException(
          kernel
              + ": buffer "
              + role
              + " ("
              + b.getClass().getName()
              + ") was not allocated by the simd backend; pass buffers of the backend that runs"
              + " the kernel");
    }
    if (cb.owner() != backend) {
      throw new IllegalArgumentException(
          kernel
              + ": buffer "
              + role
              + " was allocated by another simd backend instance; pass buffers of the backend"
              + " that runs the kernel");
    }
    if (cb.isReleased()) {
      throw new IllegalArgumentException(
          kernel + ": buffer " + role + " (" + cb + ") was released; it cannot be used any more");
    }
    return cb;
  }

  /** Requires a floating-point buffer. */
  static void floating(String kernel, String role, SimdBuffer b) {
    if (!b.dtype().isFloatingPoint()) {
      throw new IllegalArgumentException(
          kernel
              + ": buffer "
              + role
              + " has dtype "
              + b.dtype()
              + ", expected FLOAT32 or FLOAT64");
    }
  }

  /** Requires {@code b} to have dtype {@code expected}. */
  static void dtype(String kernel, String role, SimdBuffer b, DType expected) {
    if (b.dtype() != expected) {
      throw new IllegalArgumentException(
          kernel + ": buffer " + role + " has dtype " + b.dtype() + ", expected " + expected);
    }
  }

  /** Requires {@code b} to have the dtype of {@code first} (named {@code firstRole}). */
  static void sameType(
      String kernel, String firstRole, SimdBuffer first, String role, SimdBuffer b) {
    if (b.dtype() != first.dtype()) {
      throw new IllegalArgumentException(
          kernel
              + ": buffer "
              + role
              + " has dtype "
              + b.dtype()
              + " but "
              + firstRole
              + " has "
              + first.dtype()
              + "; the operands of one call must share one dtype");
    }
  }

  /** Requires {@code [offset, offset + count)} to lie inside {@code b}. */
  static void range(String kernel, String role, SimdBuffer b, long offset, long count) {
    if (offset < 0 || count < 0 || offset > b.size() || count > b.size() - offset) {
      throw new IllegalArgumentException(
          kernel
              + ": elements ["
              + offset
              + ", "
              + offset
              + " + "
              + count
              + ") of buffer "
              + role
              + " are outside its "
              + b.size()
              + " elements; expected 0 <= offset, 0 <= count and offset + count <= "
              + b.size());
    }
  }

  /** The element count of a {@code dims} tensor, checked to be non-negative and to fit a long. */
  static long elements(String kernel, String what, int... dims) {
    long n = 1;
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException(
            kernel + ": " + what + " " + Arrays.toString(dims) + " has a negative extent");
      }
      n = Math.multiplyExact(n, (long) d);
    }
    return n;
  }

  /** Requires two views of the same shape. */
  static void sameShape(String kernel, String firstRole, Layout first, String role, Layout l) {
    if (!Arrays.equals(first.shape(), l.shape())) {
      throw new IllegalArgumentException(
          kernel
              + ": view "
              + role
              + " has shape "
              + Arrays.toString(l.shape())
              + " but "
              + firstRole
              + " has "
              + Arrays.toString(first.shape())
              + "; expected the same shape");
    }
  }

  /**
   * Requires every element of the view to lie inside {@code b} and returns the smallest and largest
   * element index it touches ({@code null} for an empty view).
   */
  static long[] view(String kernel, String role, SimdBuffer b, Layout l) {
    if (l == null) {
      throw new IllegalArgumentException(kernel + ": layout " + role + " is null");
    }
    if (l.elementCount() == 0) {
      return null;
    }
    long lo = l.offset();
    long hi = l.offset();
    try {
      for (int k = 0; k < l.rank(); k++) {
        long span = Math.multiplyExact((long) l.dim(k) - 1, l.stride(k));
        if (span < 0) {
          lo = Math.addExact(lo, span);
        } else {
          hi = Math.addExact(hi, span);
        }
      }
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          kernel + ": view " + role + " (" + l + ") spans more elements than a long can count");
    }
    if (lo < 0 || hi >= b.size()) {
      throw new IllegalArgumentException(
          kernel
              + ": view "
              + role
              + " ("
              + l
              + ") touches elements ["
              + lo
              + ", "
              + hi
              + "] but buffer "
              + role
              + " has "
              + b.size()
              + " elements; expected every index in [0, "
              + b.size()
              + ")");
    }
    return new long[] {lo, hi};
  }

  /** Requires a destination view that does not write one element twice through a zero stride. */
  static void writable(String kernel, String role, Layout l) {
    for (int k = 0; k < l.rank(); k++) {
      if (l.stride(k) == 0 && l.dim(k) > 1) {
        throw new IllegalArgumentException(
            kernel
                + ": destination view "
                + role
                + " ("
                + l
                + ") has stride 0 in dimension "
                + k
                + " of extent "
                + l.dim(k)
                + "; a destination must not overlap itself");
      }
    }
  }

  /**
   * Whether two element ranges {@code [lo, hi]} of buffers overlap (null ranges are empty views).
   */
  static boolean overlap(SimdBuffer a, long[] ra, SimdBuffer b, long[] rb) {
    return a == b && ra != null && rb != null && ra[0] <= rb[1] && rb[0] <= ra[1];
  }

  /** Requires that an output does not overlap an input it may not alias. */
  static void noAlias(
      String kernel,
      String outRole,
      SimdBuffer out,
      long[] ro,
      String inRole,
      SimdBuffer in,
      long[] ri) {
    if (overlap(out, ro, in, ri)) {
      throw new IllegalArgumentException(
          kernel
              + ": output "
              + outRole
              + " (elements "
              + ro[0]
              + ".."
              + ro[1]
              + ") overlaps input "
              + inRole
              + " (elements "
              + ri[0]
              + ".."
              + ri[1]
              + ") in the same buffer; expected separate memory");
    }
  }

  /** Requires a non-negative dimension. */
  static void nonNegative(String kernel, String what, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(kernel + ": " + what + " is " + value + ", expected >= 0");
    }
  }

  /**
   * Requires an output that shares memory with an input to be the very same view (elementwise in
   * place), where the kernel reads each element just before writing it.
   */
  static void inPlaceOnly(
      String kernel,
      SimdBuffer out,
      long[] ro,
      Layout outLayout,
      String role,
      SimdBuffer in,
      long[] ri,
      Layout inLayout) {
    if (Checks.overlap(out, ro, in, ri) && !outLayout.equals(inLayout)) {
      throw new IllegalArgumentException(
          kernel
              + ": output view ("
              + outLayout
              + ") overlaps input "
              + role
              + " ("
              + inLayout
              + ") in the same buffer; an output may share memory with an input only when the"
              + " two views are identical (in place)");
    }
  }

  /** The element range {@code [0, n - 1]} of a contiguous operand, or null when empty. */
  static long[] span(long n) {
    return n == 0 ? null : new long[] {0, n - 1};
  }

  /**
   * Checks that every matrix of a batched operand lies inside its buffer and returns the element
   * range the batch covers (null when the operand has no elements).
   */
  static long[] batchRange(
      String kernel, String role, SimdBuffer b, int batch, long offset, long stride, long size) {
    if (batch == 0 || size == 0) {
      return null;
    }
    long first;
    long last;
    try {
      long lastStart = Math.addExact(offset, Math.multiplyExact((long) (batch - 1), stride));
      first = Math.min(offset, lastStart);
      last = Math.addExact(Math.max(offset, lastStart), size - 1);
    } catch (ArithmeticException e) {
      first = -1;
      last = Long.MAX_VALUE;
    }
    if (first < 0 || last >= b.size()) {
      throw new IllegalArgumentException(
          kernel
              + ": "
              + batch
              + " matrices of "
              + size
              + " elements in "
              + role
              + " at offset "
              + offset
              + " with batch stride "
              + stride
              + " reach outside its "
              + b.size()
              + " elements; expected every matrix inside [0, "
              + b.size()
              + ")");
    }
    return new long[] {first, last};
  }

  /** Checks a host segment for a transfer of {@code count} elements. */
  static void hostSegment(
      String kernel, MemorySegment host, long count, DType dtype, boolean writes) {
    if (host == null) {
      throw new IllegalArgumentException(kernel + ": host segment is null");
    }
    long bytes = count * dtype.byteSize();
    if (host.byteSize() < bytes) {
      throw new IllegalArgumentException(
          kernel
              + ": host segment has "
              + host.byteSize()
              + " bytes but "
              + count
              + " elements of "
              + dtype
              + " need "
              + bytes
              + " bytes");
    }
    if (writes && host.isReadOnly()) {
      throw new IllegalArgumentException(kernel + ": host segment is read-only");
    }
    if (!host.scope().isAlive()) {
      throw new IllegalArgumentException(kernel + ": host segment's arena is closed");
    }
  }
}

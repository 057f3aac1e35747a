package dev.heed.core.backend;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The argument checks of every backend kernel, run once by {@link Kernels} before dispatch, so that
 * every backend rejects the same calls with the same words and no backend holds checks of its own.
 * Every failure is an {@link IllegalArgumentException} whose message starts with the kernel's name
 * and says what was found and what was expected; only {@link #buffer} names the backend. The checks
 * read a buffer's {@link Buffer#backend()}, {@link Buffer#dtype()} and {@link Buffer#size()} only,
 * never its memory, so they serve host and device backends alike. Element ranges are {@code long[]
 * {lo, hi}} pairs of element indices (inclusive), or {@code null} for an operand with no elements.
 */
final class KernelChecks {
  private static final String[] UNARY_NAMES = names("unary ", UnaryOp.values());
  private static final String[] BINARY_NAMES = names("binary ", BinaryOp.values());
  private static final String[] REDUCE_NAMES = names("reduce ", ReduceOp.values());

  private static String[] names(String prefix, Enum<?>[] ops) {
    String[] n = new String[ops.length];
    for (int i = 0; i < n.length; i++) {
      n[i] = prefix + ops[i];
    }
    return n;
  }

  /**
   * {@code "unary " + op}, the kernel name the messages use, without building a string per call.
   */
  static String kernelName(UnaryOp op) {
    return UNARY_NAMES[op.ordinal()];
  }

  /** {@code "binary " + op}, without building a string per call. */
  static String kernelName(BinaryOp op) {
    return BINARY_NAMES[op.ordinal()];
  }

  /** {@code "reduce " + op}, without building a string per call. */
  static String kernelName(ReduceOp op) {
    return REDUCE_NAMES[op.ordinal()];
  }

  private KernelChecks() {}

  /**
   * Requires {@code b} to be a live buffer of {@code backend}.
   *
   * @param backend the backend that runs the kernel
   * @param kernel the kernel's name, the first word of every message
   * @param role the operand's name in the kernel's signature
   * @param b the buffer passed by the caller
   * @throws IllegalArgumentException when {@code b} is null, of another backend, of another
   *     instance of this backend, or released
   */
  static void buffer(Backend backend, String kernel, String role, Buffer b) {
    if (b == null) {
      throw new IllegalArgumentException(kernel + ": buffer " + role + " is null");
    }
    Backend owner = b.backend();
    if (owner != backend) {
      if (owner != null && owner.name().equals(backend.name())) {
        throw new IllegalArgumentException(
            kernel
                + ": buffer "
                + role
                + " was allocated by another "
                + backend.name()
                + " backend instance; pass buffers of the backend"
                + " that runs the kernel");
      }
      throw new IllegalArgumentException(
          kernel
              + ": buffer "
              + role
              + " ("
              + b.getClass().getName()
              + ") was not allocated by the "
              + backend.name()
              + " backend; pass buffers of the backend that runs"
              + " the kernel");
    }
    if (b.isReleased()) {
      throw new IllegalArgumentException(
          kernel + ": buffer " + role + " (" + b + ") was released; it cannot be used any more");
    }
    if (b.dtype().isStorageOnly()
        && !(kernel.equals("upload")
            || kernel.equals("download")
            || (kernel.equals("matmul") && role.equals("b")))) {
      throw new IllegalArgumentException(
          kernel
              + ": buffer "
              + role
              + " has dtype "
              + b.dtype()
              + ", a storage type for weights that only upload, download and matmul (as its B"
              + " operand, with FLOAT32 A and C) read; widen it to FLOAT32 first");
    }
  }

  /** Requires a floating-point buffer. */
  static void floating(String kernel, String role, Buffer b) {
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
  static void dtype(String kernel, String role, Buffer b, DType expected) {
    if (b.dtype() != expected) {
      throw new IllegalArgumentException(
          kernel + ": buffer " + role + " has dtype " + b.dtype() + ", expected " + expected);
    }
  }

  /** Requires {@code b} to have the dtype of {@code first} (named {@code firstRole}). */
  static void sameType(String kernel, String firstRole, Buffer first, String role, Buffer b) {
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
  static void range(String kernel, String role, Buffer b, long offset, long count) {
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
    if (!first.sameShape(l)) {
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
  static long[] view(String kernel, String role, Buffer b, Layout l) {
    if (l == null) {
      throw new IllegalArgumentException(kernel + ": layout " + role + " is null");
    }
    if (l.elementCount() == 0) {
      return null;
    }
    long lo = l.offset();
    long hi = l.offset();
    if (l.isContiguous()) {
      // the common case, without the loop: the elements are offset … offset + count - 1
      hi = lo + l.elementCount() - 1;
      if (hi >= lo && hi < b.size()) {
        return new long[] {lo, hi};
      }
      hi = lo;
    }
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
    if (l.isContiguous()) {
      return;
    }
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
  static boolean overlap(Buffer a, long[] ra, Buffer b, long[] rb) {
    return a == b && ra != null && rb != null && ra[0] <= rb[1] && rb[0] <= ra[1];
  }

  /** Requires that an output does not overlap an input it may not alias. */
  static void noAlias(
      String kernel, String outRole, Buffer out, long[] ro, String inRole, Buffer in, long[] ri) {
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
      Buffer out,
      long[] ro,
      Layout outLayout,
      String role,
      Buffer in,
      long[] ri,
      Layout inLayout) {
    if (overlap(out, ro, in, ri) && !outLayout.equals(inLayout)) {
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
      String kernel, String role, Buffer b, int batch, long offset, long stride, long size) {
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

  /** Requires every one of the first {@code count} indices to lie in {@code [0, axis)}. */
  static void indices(String kernel, int[] indices, int count, int axis) {
    for (int j = 0; j < count; j++) {
      int index = indices[j];
      if (index < 0 || index >= axis) {
        throw new IllegalArgumentException(
            kernel
                + ": index "
                + index
                + " at position "
                + j
                + " of the indices is outside the valid range [0, "
                + axis
                + ")");
      }
    }
  }

  // ------------------------------------------------------------------ whole kernels
  //
  // The argument checks of each Backend kernel, in the order every backend runs them, for buffers
  // that {@link #buffer} has already accepted. A backend resolves its buffers first (so a foreign
  // or released buffer is reported before anything else), then calls one of these.

  /** What a checked {@code copy} has to do. */
  enum CopyPath {
    /** The destination view has no elements: nothing to do. */
    EMPTY,
    /** Copy element by element, source to destination. */
    DIRECT,
    /**
     * Source and destination share memory in different views: read the whole source first (into a
     * contiguous staging copy), as {@code memmove} does.
     */
    STAGED
  }

  /**
   * The checks of {@code copy(src, srcLayout, dst, dstLayout)}: both views inside their buffers,
   * one shape, and a destination that does not write an element twice.
   *
   * @return what the copy has to do
   */
  static CopyPath copyArgs(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    long[] rs = view("copy", "src", src, srcLayout);
    long[] rd = view("copy", "dst", dst, dstLayout);
    sameShape("copy", "src", srcLayout, "dst", dstLayout);
    writable("copy", "dst", dstLayout);
    if (rd == null) {
      return CopyPath.EMPTY;
    }
    return overlap(src, rs, dst, rd) && !srcLayout.equals(dstLayout)
        ? CopyPath.STAGED
        : CopyPath.DIRECT;
  }

  /**
   * The checks of {@code unary(op, a, b, x, xLayout, y, yLayout)}: a floating-point {@code x},
   * {@code y} of its dtype, views inside their buffers and of one shape, a writable output that
   * shares memory with {@code x} only as the identical view.
   *
   * @return whether the output has any element (false: nothing to do)
   */
  static boolean unaryArgs(UnaryOp op, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    String k = kernelName(op);
    floating(k, "x", x);
    sameType(k, "x", x, "y", y);
    if (denseAndSeparate(x, xLayout, y, yLayout)) {
      return yLayout.elementCount() > 0;
    }
    long[] rx = view(k, "x", x, xLayout);
    long[] ry = view(k, "y", y, yLayout);
    sameShape(k, "y", yLayout, "x", xLayout);
    writable(k, "y", yLayout);
    inPlaceOnly(k, y, ry, yLayout, "x", x, rx, xLayout);
    return ry != null;
  }

  /**
   * The checks of {@code binary(op, a, aLayout, b, bLayout, out, outLayout)}: floating-point
   * operands of one dtype, views inside their buffers and of one shape, a writable output that
   * shares memory with an input only as the identical view.
   *
   * @param kernel the kernel's name ({@code "binary " + op})
   * @return whether the output has any element (false: nothing to do)
   */
  static boolean binaryArgs(
      String kernel,
      Buffer a,
      Layout aLayout,
      Buffer b,
      Layout bLayout,
      Buffer out,
      Layout outLayout) {
    String k = kernel;
    floating(k, "a", a);
    sameType(k, "a", a, "b", b);
    sameType(k, "a", a, "out", out);
    if (denseAndSeparate(a, aLayout, out, outLayout)
        && denseAndSeparate(b, bLayout, out, outLayout)) {
      // the common case (whole tensors of one shape): the checks below would all pass, and this
      // way they allocate nothing
      return outLayout.elementCount() > 0;
    }
    long[] ra = view(k, "a", a, aLayout);
    long[] rb = view(k, "b", b, bLayout);
    long[] ro = view(k, "out", out, outLayout);
    sameShape(k, "out", outLayout, "a", aLayout);
    sameShape(k, "out", outLayout, "b", bLayout);
    writable(k, "out", outLayout);
    inPlaceOnly(k, out, ro, outLayout, "a", a, ra, aLayout);
    inPlaceOnly(k, out, ro, outLayout, "b", b, rb, bLayout);
    return ro != null;
  }

  /**
   * Whether input view {@code in} and output view {@code out} are both contiguous, of one shape,
   * inside their buffers, and either in different buffers or the identical view (in place): then
   * every check of {@link #binaryArgs} on the pair passes.
   */
  private static boolean denseAndSeparate(
      Buffer in, Layout inLayout, Buffer out, Layout outLayout) {
    if (inLayout == null
        || outLayout == null
        || !inLayout.isContiguous()
        || !outLayout.isContiguous()
        || !inLayout.sameShape(outLayout)) {
      return false;
    }
    long n = outLayout.elementCount();
    if (inLayout.offset() + n > in.size() || outLayout.offset() + n > out.size()) {
      return false;
    }
    return in != out || inLayout.equals(outLayout);
  }

  /**
   * The checks of {@code where(cond, condLayout, a, aLayout, b, bLayout, out, outLayout)}: as
   * {@link #binaryArgs} with the condition as a fourth operand of the same dtype.
   *
   * @return whether the output has any element (false: nothing to do)
   */
  static boolean whereArgs(
      Buffer cond,
      Layout condLayout,
      Buffer a,
      Layout aLayout,
      Buffer b,
      Layout bLayout,
      Buffer out,
      Layout outLayout) {
    String k = "where";
    floating(k, "a", a);
    sameType(k, "a", a, "cond", cond);
    sameType(k, "a", a, "b", b);
    sameType(k, "a", a, "out", out);
    long[] rc = view(k, "cond", cond, condLayout);
    long[] ra = view(k, "a", a, aLayout);
    long[] rb = view(k, "b", b, bLayout);
    long[] ro = view(k, "out", out, outLayout);
    sameShape(k, "out", outLayout, "cond", condLayout);
    sameShape(k, "out", outLayout, "a", aLayout);
    sameShape(k, "out", outLayout, "b", bLayout);
    writable(k, "out", outLayout);
    inPlaceOnly(k, out, ro, outLayout, "cond", cond, rc, condLayout);
    inPlaceOnly(k, out, ro, outLayout, "a", a, ra, aLayout);
    inPlaceOnly(k, out, ro, outLayout, "b", b, rb, bLayout);
    return ro != null;
  }

  /**
   * The checks of {@code reduce(op, x, xLayout, out)}: a floating-point {@code x} viewed as {@code
   * [outer, axis, inner]} inside its buffer, an INT32 {@code out} for the arg-reductions (which
   * also need a non-empty axis) or one of {@code x}'s dtype otherwise, {@code outer·inner} elements
   * of {@code out} inside it, and separate memory.
   *
   * @param kernel the kernel's name ({@code "reduce " + op})
   * @return the number of output elements, {@code outer * inner}
   */
  static long reduceArgs(String kernel, ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    String k = kernel;
    floating(k, "x", x);
    if (op.producesIndices()) {
      dtype(k, "out", out, DType.INT32);
    } else {
      sameType(k, "x", x, "out", out);
    }
    rank3(k, xLayout);
    if (op.producesIndices() && xLayout.dim(1) == 0) {
      throw new IllegalArgumentException(
          k + ": the axis has extent 0; an arg-reduction needs at least one element");
    }
    long[] rx = view(k, "x", x, xLayout);
    long no = (long) xLayout.dim(0) * xLayout.dim(2);
    range(k, "out", out, 0, no);
    noAlias(k, "out", out, span(no), "x", x, rx);
    return no;
  }

  /**
   * The checks of {@code softmax(x, xLayout, log, y)}: a floating-point {@code x} viewed as {@code
   * [outer, axis, inner]} inside its buffer, {@code y} of its dtype holding as many elements from
   * element 0, and a {@code y} that shares memory with {@code x} only when {@code x} is the same
   * contiguous run (in place).
   *
   * @param kernel the kernel's name ({@code "softmax"} or {@code "log-softmax"})
   * @return the number of elements, {@code outer * axis * inner}
   */
  static long softmaxArgs(String kernel, Buffer x, Layout xLayout, Buffer y) {
    String k = kernel;
    floating(k, "x", x);
    sameType(k, "x", x, "y", y);
    rank3(k, xLayout);
    long[] rx = view(k, "x", x, xLayout);
    long n = xLayout.elementCount();
    range(k, "y", y, 0, n);
    inPlaceOnly(k, y, span(n), Layout.contiguous(xLayout.shape()), "x", x, rx, xLayout);
    return n;
  }

  private static void rank3(String k, Layout l) {
    if (l == null) {
      throw new IllegalArgumentException(k + ": layout x is null");
    }
    if (l.rank() != 3) {
      throw new IllegalArgumentException(
          k + ": view x " + l + " has rank " + l.rank() + "; expected [outer, axis, inner]");
    }
  }

  /**
   * The checks of {@code matmul(spec, a, b, c)}: floating-point operands of one dtype (or a FLOAT32
   * A and C with a B of a 16-bit storage type), output matrices of a batch that do not overlap each
   * other, every matrix inside its buffer, and a {@code c} separate from {@code a} and {@code b}.
   *
   * @return whether {@code c} has any element (false: nothing to do)
   */
  static boolean matmulArgs(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    String k = "matmul";
    floating(k, "a", a);
    if (b.dtype().isStorageOnly()) {
      // 16-bit weights, widened to FLOAT32 as the backend reads them
      dtype(k, "a (with a " + b.dtype() + " b)", a, DType.FLOAT32);
    } else {
      sameType(k, "a", a, "b", b);
    }
    sameType(k, "a", a, "c", c);
    int batch = spec.batch();
    long mk = spec.aSpan();
    long kn = spec.bSpan();
    long mn = (long) spec.m() * spec.n();
    if (batch > 1 && mn > 0 && Math.abs(spec.cBatchStride()) < mn) {
      throw new IllegalArgumentException(
          "matmul: output batch stride "
              + spec.cBatchStride()
              + " is smaller than one "
              + spec.m()
              + "x"
              + spec.n()
              + " matrix of C ("
              + mn
              + " elements), so the batch entries would overlap");
    }
    long[] ra = batchRange(k, "a", a, batch, spec.aOffset(), spec.aBatchStride(), mk);
    long[] rb = batchRange(k, "b", b, batch, spec.bOffset(), spec.bBatchStride(), kn);
    long[] rc = batchRange(k, "c", c, batch, spec.cOffset(), spec.cBatchStride(), mn);
    noAlias(k, "c", c, rc, "a", a, ra);
    noAlias(k, "c", c, rc, "b", b, rb);
    return rc != null;
  }

  /**
   * The checks of {@code gather(src, outer, axis, inner, indices, count, out)} before the indices
   * are read: INT32 indices, {@code out} of {@code src}'s dtype, every extent inside its buffer,
   * and an output separate from both inputs. The caller still checks each index against {@code
   * axis} with {@link #indices}.
   *
   * @return the number of output elements, {@code outer * count * inner}
   */
  static long gatherArgs(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    String k = "gather";
    indexTypes(k, src, indices, out);
    long ns = elements(k, "src of shape [outer, axis, inner]", outer, axis, inner);
    long no = elements(k, "out of shape [outer, count, inner]", outer, count, inner);
    indexRanges(k, src, ns, indices, count, out, no);
    return no;
  }

  /**
   * The checks of {@code scatterAdd(src, outer, count, inner, indices, axis, out)} before the
   * indices are read, as for {@link #gatherArgs} with the roles of {@code count} and {@code axis}
   * exchanged.
   *
   * @return the number of source elements, {@code outer * count * inner}
   */
  static long scatterAddArgs(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    String k = "scatterAdd";
    indexTypes(k, src, indices, out);
    long ns = elements(k, "src of shape [outer, count, inner]", outer, count, inner);
    long no = elements(k, "out of shape [outer, axis, inner]", outer, axis, inner);
    indexRanges(k, src, ns, indices, count, out, no);
    return ns;
  }

  private static void indexTypes(String k, Buffer src, Buffer indices, Buffer out) {
    dtype(k, "indices", indices, DType.INT32);
    sameType(k, "src", src, "out", out);
  }

  private static void indexRanges(
      String k, Buffer src, long ns, Buffer indices, int count, Buffer out, long no) {
    range(k, "src", src, 0, ns);
    range(k, "indices", indices, 0, count);
    range(k, "out", out, 0, no);
    noAlias(k, "out", out, span(no), "src", src, span(ns));
    noAlias(k, "out", out, span(no), "indices", indices, span(count));
  }
}

package dev.heed.core.backend;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The one door through which core issues backend kernels: each method checks its arguments once
 * (buffers of the backend and live, dtypes, views inside their buffers and of matching shapes,
 * forbidden aliasing, index ranges) and then calls the backend's unchecked kernel. The messages are
 * the same for every backend, since no backend checks anything itself. An empty output is not
 * dispatched at all.
 *
 * <p>Tensors and layers use it through the operations of {@code dev.heed.core.tensor}; a program
 * that drives a backend directly can call it, or wrap the backend in {@link CheckedBackend}. A
 * {@link CheckedBackend} passed here is unwrapped, so tensors may live on either.
 */
public final class Kernels {
  private Kernels() {}

  private static Backend target(Backend backend) {
    Objects.requireNonNull(backend, "backend");
    return backend instanceof CheckedBackend c ? c.delegate() : backend;
  }

  /** {@link Backend#allocate}, with the size and type checked. */
  public static Buffer allocate(Backend backend, DType dtype, long size) {
    Backend b = target(backend);
    allocation(b, dtype, size);
    return b.allocate(dtype, size);
  }

  /** {@link Backend#allocateForOverwrite}, with the size and type checked. */
  public static Buffer allocateForOverwrite(Backend backend, DType dtype, long size) {
    Backend b = target(backend);
    allocation(b, dtype, size);
    return b.allocateForOverwrite(dtype, size);
  }

  private static void allocation(Backend b, DType dtype, long size) {
    Objects.requireNonNull(dtype, "allocate: dtype");
    if (size < 0) {
      throw new IllegalArgumentException(
          "allocate: " + size + " elements of " + dtype + " requested; expected 0 or more");
    }
    if (!b.supports(dtype)) {
      throw new IllegalArgumentException(
          "allocate: the " + b.name() + " backend does not support " + dtype);
    }
  }

  /** {@link Backend#upload}, checked. */
  public static void upload(
      Backend backend, MemorySegment host, Buffer dst, long dstOffset, long count) {
    Backend b = target(backend);
    KernelChecks.buffer(b, "upload", "dst", dst);
    KernelChecks.range("upload", "dst", dst, dstOffset, count);
    KernelChecks.hostSegment("upload", host, count, dst.dtype(), false);
    if (count > 0) {
      b.upload(host, dst, dstOffset, count);
    }
  }

  /** {@link Backend#download}, checked. */
  public static void download(
      Backend backend, Buffer src, long srcOffset, long count, MemorySegment host) {
    Backend b = target(backend);
    KernelChecks.buffer(b, "download", "src", src);
    KernelChecks.range("download", "src", src, srcOffset, count);
    KernelChecks.hostSegment("download", host, count, src.dtype(), true);
    if (count > 0) {
      b.download(src, srcOffset, count, host);
    }
  }

  /** {@link Backend#fill}, checked. */
  public static void fill(Backend backend, Buffer dst, long offset, long count, double value) {
    Backend b = target(backend);
    KernelChecks.buffer(b, "fill", "dst", dst);
    KernelChecks.range("fill", "dst", dst, offset, count);
    if (count > 0) {
      b.fill(dst, offset, count, value);
    }
  }

  /**
   * {@link Backend#copy}, checked. Views that share memory without being identical are copied
   * through a contiguous staging buffer, as {@code memmove} does; identical views are left as they
   * are.
   */
  public static void copy(
      Backend backend, Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    Backend b = target(backend);
    KernelChecks.buffer(b, "copy", "src", src);
    KernelChecks.buffer(b, "copy", "dst", dst);
    KernelChecks.CopyPath path = KernelChecks.copyArgs(src, srcLayout, dst, dstLayout);
    switch (path) {
      case EMPTY -> {}
      case DIRECT -> {
        if (src != dst || !srcLayout.equals(dstLayout) || src.dtype() != dst.dtype()) {
          b.copy(src, srcLayout, dst, dstLayout);
        }
      }
      case STAGED -> {
        Layout staged = Layout.contiguous(srcLayout.shape());
        try (Buffer tmp = b.allocateForOverwrite(src.dtype(), srcLayout.elementCount())) {
          b.copy(src, srcLayout, tmp, staged);
          b.copy(tmp, staged, dst, dstLayout);
        }
      }
    }
  }

  /** {@link Backend#unary}, checked. */
  public static void unary(
      Backend backend,
      UnaryOp op,
      double a,
      double c,
      Buffer x,
      Layout xLayout,
      Buffer y,
      Layout yLayout) {
    Objects.requireNonNull(op, "unary: op");
    Backend b = target(backend);
    String k = KernelChecks.kernelName(op);
    KernelChecks.buffer(b, k, "x", x);
    KernelChecks.buffer(b, k, "y", y);
    if (KernelChecks.unaryArgs(op, x, xLayout, y, yLayout)) {
      b.unary(op, a, c, x, xLayout, y, yLayout);
    }
  }

  /** {@link Backend#binary}, checked. */
  public static void binary(
      Backend backend,
      BinaryOp op,
      Buffer a,
      Layout aLayout,
      Buffer c,
      Layout cLayout,
      Buffer out,
      Layout outLayout) {
    Objects.requireNonNull(op, "binary: op");
    Backend b = target(backend);
    String k = KernelChecks.kernelName(op);
    KernelChecks.buffer(b, k, "a", a);
    KernelChecks.buffer(b, k, "b", c);
    KernelChecks.buffer(b, k, "out", out);
    if (KernelChecks.binaryArgs(k, a, aLayout, c, cLayout, out, outLayout)) {
      b.binary(op, a, aLayout, c, cLayout, out, outLayout);
    }
  }

  /** {@link Backend#where}, checked. */
  public static void where(
      Backend backend,
      Buffer cond,
      Layout condLayout,
      Buffer a,
      Layout aLayout,
      Buffer c,
      Layout cLayout,
      Buffer out,
      Layout outLayout) {
    Backend b = target(backend);
    String k = "where";
    KernelChecks.buffer(b, k, "cond", cond);
    KernelChecks.buffer(b, k, "a", a);
    KernelChecks.buffer(b, k, "b", c);
    KernelChecks.buffer(b, k, "out", out);
    if (KernelChecks.whereArgs(cond, condLayout, a, aLayout, c, cLayout, out, outLayout)) {
      b.where(cond, condLayout, a, aLayout, c, cLayout, out, outLayout);
    }
  }

  /** {@link Backend#reduce}, checked. */
  public static void reduce(Backend backend, ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    Objects.requireNonNull(op, "reduce: op");
    Backend b = target(backend);
    String k = KernelChecks.kernelName(op);
    KernelChecks.buffer(b, k, "x", x);
    KernelChecks.buffer(b, k, "out", out);
    if (KernelChecks.reduceArgs(k, op, x, xLayout, out) > 0) {
      b.reduce(op, x, xLayout, out);
    }
  }

  /** {@link Backend#softmax}, checked. */
  public static void softmax(Backend backend, Buffer x, Layout xLayout, boolean log, Buffer y) {
    Backend b = target(backend);
    String k = log ? "log-softmax" : "softmax";
    KernelChecks.buffer(b, k, "x", x);
    KernelChecks.buffer(b, k, "y", y);
    if (KernelChecks.softmaxArgs(k, x, xLayout, y) > 0) {
      b.softmax(x, xLayout, log, y);
    }
  }

  /** {@link Backend#matmul}, checked. */
  public static void matmul(Backend backend, MatmulSpec spec, Buffer a, Buffer c, Buffer out) {
    Objects.requireNonNull(spec, "matmul: spec");
    Backend b = target(backend);
    KernelChecks.buffer(b, "matmul", "a", a);
    KernelChecks.buffer(b, "matmul", "b", c);
    KernelChecks.buffer(b, "matmul", "c", out);
    if (KernelChecks.matmulArgs(spec, a, c, out)) {
      b.matmul(spec, a, c, out);
    }
  }

  /**
   * {@link Backend#gather}, checked. The indices are checked against {@code axis}: without reading
   * them when the caller knows that every one lies in {@code [0, knownBound)} with {@code
   * knownBound <= axis} (core tracks this where index tensors are made), otherwise by reading them
   * to the host first.
   *
   * @param knownBound an exclusive upper bound of the indices that the caller has established (and
   *     they are not negative), or -1 when nothing is known
   */
  public static void gather(
      Backend backend,
      Buffer src,
      int outer,
      int axis,
      int inner,
      Buffer indices,
      int count,
      Buffer out,
      long knownBound) {
    Backend b = target(backend);
    String k = "gather";
    KernelChecks.buffer(b, k, "src", src);
    KernelChecks.buffer(b, k, "indices", indices);
    KernelChecks.buffer(b, k, "out", out);
    long no = KernelChecks.gatherArgs(src, outer, axis, inner, indices, count, out);
    indices(b, k, indices, count, axis, knownBound);
    if (no > 0) {
      b.gather(src, outer, axis, inner, indices, count, out);
    }
  }

  /** {@link Backend#scatterAdd}, checked; the indices as for {@link #gather}. */
  public static void scatterAdd(
      Backend backend,
      Buffer src,
      int outer,
      int count,
      int inner,
      Buffer indices,
      int axis,
      Buffer out,
      long knownBound) {
    Backend b = target(backend);
    String k = "scatterAdd";
    KernelChecks.buffer(b, k, "src", src);
    KernelChecks.buffer(b, k, "indices", indices);
    KernelChecks.buffer(b, k, "out", out);
    long ns = KernelChecks.scatterAddArgs(src, outer, count, inner, indices, axis, out);
    indices(b, k, indices, count, axis, knownBound);
    if (ns > 0) {
      b.scatterAdd(src, outer, count, inner, indices, axis, out);
    }
  }

  private static void indices(
      Backend b, String k, Buffer indices, int count, int axis, long knownBound) {
    if (count == 0 || (knownBound >= 0 && knownBound <= axis)) {
      return;
    }
    int[] idx = new int[count];
    b.download(indices, 0, count, MemorySegment.ofArray(idx));
    KernelChecks.indices(k, idx, count, axis);
  }

  /** {@link Backend#random}, checked. */
  public static void random(
      Backend backend,
      Distribution distribution,
      double a,
      double c,
      long seed,
      long streamOffset,
      Buffer out,
      long count) {
    Objects.requireNonNull(distribution, "random: distribution");
    Backend b = target(backend);
    KernelChecks.buffer(b, "random", "out", out);
    KernelChecks.range("random", "out", out, 0, count);
    KernelChecks.nonNegative("random", "stream offset", streamOffset);
    if (count > 0) {
      b.random(distribution, a, c, seed, streamOffset, out, count);
    }
  }
}

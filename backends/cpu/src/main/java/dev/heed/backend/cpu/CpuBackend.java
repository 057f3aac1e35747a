package dev.heed.backend.cpu;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendException;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.KernelChecks;
import dev.heed.core.backend.support.ReferenceBinary;
import dev.heed.core.backend.support.ReferenceCopy;
import dev.heed.core.backend.support.ReferenceHost;
import dev.heed.core.backend.support.ReferenceIndex;
import dev.heed.core.backend.support.ReferenceMatmul;
import dev.heed.core.backend.support.ReferenceReduce;
import dev.heed.core.backend.support.ReferenceSoftmax;
import dev.heed.core.backend.support.ReferenceUnary;
import dev.heed.core.backend.support.StridedWalk;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The reference backend: every kernel of {@link Backend} in plain, single-threaded Java over arrays
 * on the heap. It is the definition other backends are checked against, so it checks every argument
 * (buffers of this backend and live, dtypes, sizes, views inside their buffers, forbidden aliasing)
 * before touching memory, and computes each value as {@link UnaryOp#apply}, {@link BinaryOp#apply}
 * and {@link Distribution#sample} define it.
 *
 * <p>This class validates and dispatches. The checks ({@link KernelChecks}) and the loops (one
 * {@code Reference*} class per kernel family, walking views with {@link StridedWalk}) live in
 * core's {@code dev.heed.core.backend.support}, shared with the other heap backend. A buffer holds
 * at most {@link Integer#MAX_VALUE} elements (one Java array). Kernels run synchronously on the
 * calling thread; the backend has no mutable state and may be shared by threads.
 */
public final class CpuBackend implements Backend {
  /** The provider name. */
  static final String NAME = "cpu";

  /** Opens the backend; there is nothing to open. */
  public CpuBackend() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String deviceDescription() {
    return "Java heap ("
        + (Runtime.getRuntime().maxMemory() >> 20)
        + " MiB max) on "
        + System.getProperty("os.arch")
        + ", reference kernels on the calling thread";
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype != null;
  }

  @Override
  public Buffer allocate(DType dtype, long size) {
    Objects.requireNonNull(dtype, "allocate: dtype");
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "allocate: "
              + size
              + " elements of "
              + dtype
              + " requested; the cpu backend holds a buffer in one Java array, so expected 0 to "
              + Integer.MAX_VALUE
              + " elements");
    }
    try {
      return new CpuBuffer(this, dtype, (int) size);
    } catch (OutOfMemoryError e) {
      throw new BackendException(
          "cpu allocate: no room on the Java heap for "
              + size
              + " elements of "
              + dtype
              + " ("
              + size * dtype.byteSize()
              + " bytes; max heap "
              + Runtime.getRuntime().maxMemory()
              + " bytes); raise -Xmx or use smaller batches",
          e);
    }
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    CpuBuffer d = Checks.buffer(this, "upload", "dst", dst);
    KernelChecks.range("upload", "dst", d, dstOffset, count);
    KernelChecks.hostSegment("upload", host, count, d.dtype(), false);
    ReferenceHost.upload(host, d.data(), (int) dstOffset, (int) count);
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    CpuBuffer s = Checks.buffer(this, "download", "src", src);
    KernelChecks.range("download", "src", s, srcOffset, count);
    KernelChecks.hostSegment("download", host, count, s.dtype(), true);
    ReferenceHost.download(s.data(), (int) srcOffset, (int) count, host);
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    CpuBuffer d = Checks.buffer(this, "fill", "dst", dst);
    KernelChecks.range("fill", "dst", d, offset, count);
    ReferenceHost.fill(d.data(), (int) offset, (int) count, value);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    CpuBuffer s = Checks.buffer(this, "copy", "src", src);
    CpuBuffer d = Checks.buffer(this, "copy", "dst", dst);
    KernelChecks.CopyPath path = KernelChecks.copyArgs(s, srcLayout, d, dstLayout);
    if (path == KernelChecks.CopyPath.EMPTY) {
      return;
    }
    Object from = s.data();
    Layout fromLayout = srcLayout;
    if (path == KernelChecks.CopyPath.STAGED) {
      // overlapping source and destination: read the whole source first, as memmove does
      from = ReferenceCopy.stage(from, srcLayout);
      fromLayout = Layout.contiguous(srcLayout.shape());
    }
    ReferenceCopy.copy(from, fromLayout, d.data(), dstLayout);
  }

  @Override
  public void unary(UnaryOp op, double a, double b, Buffer x, Buffer y, long count) {
    Objects.requireNonNull(op, "unary: op");
    CpuBuffer bx = Checks.buffer(this, "unary", "x", x);
    CpuBuffer by = Checks.buffer(this, "unary", "y", y);
    KernelChecks.unaryArgs(op, bx, by, count);
    if (bx.dtype() == DType.FLOAT32) {
      ReferenceUnary.apply(op, a, b, bx.floats(), by.floats(), (int) count);
    } else {
      ReferenceUnary.apply(op, a, b, bx.doubles(), by.doubles(), (int) count);
    }
  }

  @Override
  public void binary(
      BinaryOp op,
      Buffer a,
      Layout aLayout,
      Buffer b,
      Layout bLayout,
      Buffer out,
      Layout outLayout) {
    Objects.requireNonNull(op, "binary: op");
    String k = KernelChecks.kernelName(op);
    CpuBuffer ba = Checks.buffer(this, k, "a", a);
    CpuBuffer bb = Checks.buffer(this, k, "b", b);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    if (!KernelChecks.binaryArgs(k, ba, aLayout, bb, bLayout, bo, outLayout)) {
      return;
    }
    StridedWalk w = StridedWalk.of(aLayout, bLayout, outLayout);
    if (ba.dtype() == DType.FLOAT32) {
      ReferenceBinary.binary(op, ba.floats(), bb.floats(), bo.floats(), w);
    } else {
      ReferenceBinary.binary(op, ba.doubles(), bb.doubles(), bo.doubles(), w);
    }
  }

  @Override
  public void where(
      Buffer cond,
      Layout condLayout,
      Buffer a,
      Layout aLayout,
      Buffer b,
      Layout bLayout,
      Buffer out,
      Layout outLayout) {
    String k = "where";
    CpuBuffer bc = Checks.buffer(this, k, "cond", cond);
    CpuBuffer ba = Checks.buffer(this, k, "a", a);
    CpuBuffer bb = Checks.buffer(this, k, "b", b);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    if (!KernelChecks.whereArgs(bc, condLayout, ba, aLayout, bb, bLayout, bo, outLayout)) {
      return;
    }
    StridedWalk w = StridedWalk.of(condLayout, aLayout, bLayout, outLayout);
    if (ba.dtype() == DType.FLOAT32) {
      ReferenceBinary.where(bc.floats(), ba.floats(), bb.floats(), bo.floats(), w);
    } else {
      ReferenceBinary.where(bc.doubles(), ba.doubles(), bb.doubles(), bo.doubles(), w);
    }
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, int outer, int axis, int inner, Buffer out) {
    Objects.requireNonNull(op, "reduce: op");
    String k = KernelChecks.kernelName(op);
    CpuBuffer bx = Checks.buffer(this, k, "x", x);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    long no = KernelChecks.reduceArgs(k, op, bx, outer, axis, inner, bo);
    if (no == 0) {
      return;
    }
    ReferenceReduce.reduce(op, bx.data(), outer, axis, inner, bo.data());
  }

  @Override
  public void softmax(Buffer x, int outer, int axis, int inner, boolean log, Buffer y) {
    String k = log ? "log-softmax" : "softmax";
    CpuBuffer bx = Checks.buffer(this, k, "x", x);
    CpuBuffer by = Checks.buffer(this, k, "y", y);
    long n = KernelChecks.softmaxArgs(k, bx, outer, axis, inner, by);
    if (n == 0) {
      return;
    }
    if (bx.dtype() == DType.FLOAT32) {
      ReferenceSoftmax.softmax(bx.floats(), outer, axis, inner, log, by.floats());
    } else {
      ReferenceSoftmax.softmax(bx.doubles(), outer, axis, inner, log, by.doubles());
    }
  }

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    Objects.requireNonNull(spec, "matmul: spec");
    String k = "matmul";
    CpuBuffer ba = Checks.buffer(this, k, "a", a);
    CpuBuffer bb = Checks.buffer(this, k, "b", b);
    CpuBuffer bc = Checks.buffer(this, k, "c", c);
    if (!KernelChecks.matmulArgs(spec, ba, bb, bc)) {
      return;
    }
    if (ba.dtype() == DType.FLOAT32) {
      ReferenceMatmul.matmul(spec, ba.floats(), bb.floats(), bc.floats());
    } else {
      ReferenceMatmul.matmul(spec, ba.doubles(), bb.doubles(), bc.doubles());
    }
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    String k = "gather";
    CpuBuffer bs = Checks.buffer(this, k, "src", src);
    CpuBuffer bi = Checks.buffer(this, k, "indices", indices);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    long no = KernelChecks.gatherArgs(bs, outer, axis, inner, bi, count, bo);
    KernelChecks.indices(k, bi.ints(), count, axis);
    if (no == 0) {
      return;
    }
    ReferenceIndex.gather(bs.data(), outer, axis, inner, bi.ints(), count, bo.data());
  }

  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    String k = "scatterAdd";
    CpuBuffer bs = Checks.buffer(this, k, "src", src);
    CpuBuffer bi = Checks.buffer(this, k, "indices", indices);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    long ns = KernelChecks.scatterAddArgs(bs, outer, count, inner, bi, axis, bo);
    KernelChecks.indices(k, bi.ints(), count, axis);
    if (ns == 0) {
      return;
    }
    ReferenceIndex.scatterAdd(bs.data(), outer, count, inner, bi.ints(), axis, bo.data());
  }

  @Override
  public void random(
      Distribution distribution,
      double a,
      double b,
      long seed,
      long streamOffset,
      Buffer out,
      long count) {
    Objects.requireNonNull(distribution, "random: distribution");
    CpuBuffer bo = Checks.buffer(this, "random", "out", out);
    KernelChecks.range("random", "out", bo, 0, count);
    ReferenceHost.random(distribution, a, b, seed, streamOffset, bo.data(), (int) count);
  }

  @Override
  public String toString() {
    return "cpu backend";
  }
}

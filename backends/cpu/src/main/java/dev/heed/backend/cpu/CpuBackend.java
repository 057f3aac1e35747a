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
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The reference backend: every kernel of {@link Backend} in plain, single-threaded Java over arrays
 * on the heap. It is the definition other backends are checked against, so it checks every argument
 * (buffers of this backend and live, dtypes, sizes, views inside their buffers, forbidden aliasing)
 * before touching memory, and computes each value as {@link UnaryOp#apply}, {@link BinaryOp#apply}
 * and {@link Distribution#sample} define it.
 *
 * <p>This class validates and dispatches; the loops live in one class per kernel family. A buffer
 * holds at most {@link Integer#MAX_VALUE} elements (one Java array). Kernels run synchronously on
 * the calling thread; the backend has no mutable state and may be shared by threads.
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
    Checks.range("upload", "dst", d, dstOffset, count);
    Checks.hostSegment("upload", host, count, d.dtype(), false);
    HostKernels.upload(host, d, (int) dstOffset, (int) count);
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    CpuBuffer s = Checks.buffer(this, "download", "src", src);
    Checks.range("download", "src", s, srcOffset, count);
    Checks.hostSegment("download", host, count, s.dtype(), true);
    HostKernels.download(s, (int) srcOffset, (int) count, host);
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    CpuBuffer d = Checks.buffer(this, "fill", "dst", dst);
    Checks.range("fill", "dst", d, offset, count);
    HostKernels.fill(d, (int) offset, (int) count, value);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    CpuBuffer s = Checks.buffer(this, "copy", "src", src);
    CpuBuffer d = Checks.buffer(this, "copy", "dst", dst);
    long[] rs = Checks.view("copy", "src", s, srcLayout);
    long[] rd = Checks.view("copy", "dst", d, dstLayout);
    Checks.sameShape("copy", "src", srcLayout, "dst", dstLayout);
    Checks.writable("copy", "dst", dstLayout);
    if (rd == null) {
      return;
    }
    Object from = s.data();
    Layout fromLayout = srcLayout;
    if (Checks.overlap(s, rs, d, rd) && !srcLayout.equals(dstLayout)) {
      // overlapping source and destination: read the whole source first, as memmove does
      from = CopyKernel.stage(from, srcLayout);
      fromLayout = Layout.contiguous(srcLayout.shape());
    }
    CopyKernel.copy(from, fromLayout, d.data(), dstLayout);
  }

  @Override
  public void unary(UnaryOp op, double a, double b, Buffer x, Buffer y, long count) {
    Objects.requireNonNull(op, "unary: op");
    CpuBuffer bx = Checks.buffer(this, "unary", "x", x);
    CpuBuffer by = Checks.buffer(this, "unary", "y", y);
    Checks.floating("unary " + op, "x", bx);
    Checks.sameType("unary " + op, "x", bx, "y", by);
    Checks.range("unary " + op, "x", bx, 0, count);
    Checks.range("unary " + op, "y", by, 0, count);
    if (bx.dtype() == DType.FLOAT32) {
      UnaryKernel.apply(op, a, b, bx.floats(), by.floats(), (int) count);
    } else {
      UnaryKernel.apply(op, a, b, bx.doubles(), by.doubles(), (int) count);
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
    String k = "binary " + op;
    CpuBuffer ba = Checks.buffer(this, k, "a", a);
    CpuBuffer bb = Checks.buffer(this, k, "b", b);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    Checks.floating(k, "a", ba);
    Checks.sameType(k, "a", ba, "b", bb);
    Checks.sameType(k, "a", ba, "out", bo);
    long[] ra = Checks.view(k, "a", ba, aLayout);
    long[] rb = Checks.view(k, "b", bb, bLayout);
    long[] ro = Checks.view(k, "out", bo, outLayout);
    Checks.sameShape(k, "out", outLayout, "a", aLayout);
    Checks.sameShape(k, "out", outLayout, "b", bLayout);
    Checks.writable(k, "out", outLayout);
    Checks.inPlaceOnly(k, bo, ro, outLayout, "a", ba, ra, aLayout);
    Checks.inPlaceOnly(k, bo, ro, outLayout, "b", bb, rb, bLayout);
    if (ro == null) {
      return;
    }
    Strided w = Strided.of(aLayout, bLayout, outLayout);
    if (ba.dtype() == DType.FLOAT32) {
      BinaryKernel.binary(op, ba.floats(), bb.floats(), bo.floats(), w);
    } else {
      BinaryKernel.binary(op, ba.doubles(), bb.doubles(), bo.doubles(), w);
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
    Checks.floating(k, "a", ba);
    Checks.sameType(k, "a", ba, "cond", bc);
    Checks.sameType(k, "a", ba, "b", bb);
    Checks.sameType(k, "a", ba, "out", bo);
    long[] rc = Checks.view(k, "cond", bc, condLayout);
    long[] ra = Checks.view(k, "a", ba, aLayout);
    long[] rb = Checks.view(k, "b", bb, bLayout);
    long[] ro = Checks.view(k, "out", bo, outLayout);
    Checks.sameShape(k, "out", outLayout, "cond", condLayout);
    Checks.sameShape(k, "out", outLayout, "a", aLayout);
    Checks.sameShape(k, "out", outLayout, "b", bLayout);
    Checks.writable(k, "out", outLayout);
    Checks.inPlaceOnly(k, bo, ro, outLayout, "cond", bc, rc, condLayout);
    Checks.inPlaceOnly(k, bo, ro, outLayout, "a", ba, ra, aLayout);
    Checks.inPlaceOnly(k, bo, ro, outLayout, "b", bb, rb, bLayout);
    if (ro == null) {
      return;
    }
    Strided w = Strided.of(condLayout, aLayout, bLayout, outLayout);
    if (ba.dtype() == DType.FLOAT32) {
      BinaryKernel.where(bc.floats(), ba.floats(), bb.floats(), bo.floats(), w);
    } else {
      BinaryKernel.where(bc.doubles(), ba.doubles(), bb.doubles(), bo.doubles(), w);
    }
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, int outer, int axis, int inner, Buffer out) {
    Objects.requireNonNull(op, "reduce: op");
    String k = "reduce " + op;
    CpuBuffer bx = Checks.buffer(this, k, "x", x);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    Checks.floating(k, "x", bx);
    if (op.producesIndices()) {
      Checks.dtype(k, "out", bo, DType.INT32);
      if (axis == 0) {
        throw new IllegalArgumentException(
            k + ": the axis has extent 0; an arg-reduction needs at least one element");
      }
    } else {
      Checks.sameType(k, "x", bx, "out", bo);
    }
    long nx = Checks.elements(k, "x of shape [outer, axis, inner]", outer, axis, inner);
    long no = Checks.elements(k, "out of shape [outer, inner]", outer, inner);
    Checks.range(k, "x", bx, 0, nx);
    Checks.range(k, "out", bo, 0, no);
    Checks.noAlias(k, "out", bo, Checks.span(no), "x", bx, Checks.span(nx));
    if (no == 0) {
      return;
    }
    ReduceKernel.reduce(op, bx.data(), outer, axis, inner, bo.data());
  }

  @Override
  public void softmax(Buffer x, int outer, int axis, int inner, boolean log, Buffer y) {
    String k = log ? "log-softmax" : "softmax";
    CpuBuffer bx = Checks.buffer(this, k, "x", x);
    CpuBuffer by = Checks.buffer(this, k, "y", y);
    Checks.floating(k, "x", bx);
    Checks.sameType(k, "x", bx, "y", by);
    long n = Checks.elements(k, "x of shape [outer, axis, inner]", outer, axis, inner);
    Checks.range(k, "x", bx, 0, n);
    Checks.range(k, "y", by, 0, n);
    if (n == 0) {
      return;
    }
    if (bx.dtype() == DType.FLOAT32) {
      SoftmaxKernel.softmax(bx.floats(), outer, axis, inner, log, by.floats());
    } else {
      SoftmaxKernel.softmax(bx.doubles(), outer, axis, inner, log, by.doubles());
    }
  }

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    Objects.requireNonNull(spec, "matmul: spec");
    String k = "matmul";
    CpuBuffer ba = Checks.buffer(this, k, "a", a);
    CpuBuffer bb = Checks.buffer(this, k, "b", b);
    CpuBuffer bc = Checks.buffer(this, k, "c", c);
    Checks.floating(k, "a", ba);
    Checks.sameType(k, "a", ba, "b", bb);
    Checks.sameType(k, "a", ba, "c", bc);
    int batch = spec.batch();
    long mk = (long) spec.m() * spec.k();
    long kn = (long) spec.k() * spec.n();
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
    long[] ra = Checks.batchRange(k, "a", ba, batch, spec.aOffset(), spec.aBatchStride(), mk);
    long[] rb = Checks.batchRange(k, "b", bb, batch, spec.bOffset(), spec.bBatchStride(), kn);
    long[] rc = Checks.batchRange(k, "c", bc, batch, spec.cOffset(), spec.cBatchStride(), mn);
    Checks.noAlias(k, "c", bc, rc, "a", ba, ra);
    Checks.noAlias(k, "c", bc, rc, "b", bb, rb);
    if (rc == null) {
      return;
    }
    if (ba.dtype() == DType.FLOAT32) {
      MatmulKernel.matmul(spec, ba.floats(), bb.floats(), bc.floats());
    } else {
      MatmulKernel.matmul(spec, ba.doubles(), bb.doubles(), bc.doubles());
    }
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    String k = "gather";
    CpuBuffer bs = Checks.buffer(this, k, "src", src);
    CpuBuffer bi = Checks.buffer(this, k, "indices", indices);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    Checks.dtype(k, "indices", bi, DType.INT32);
    Checks.sameType(k, "src", bs, "out", bo);
    long ns = Checks.elements(k, "src of shape [outer, axis, inner]", outer, axis, inner);
    long no = Checks.elements(k, "out of shape [outer, count, inner]", outer, count, inner);
    Checks.range(k, "src", bs, 0, ns);
    Checks.range(k, "indices", bi, 0, count);
    Checks.range(k, "out", bo, 0, no);
    Checks.noAlias(k, "out", bo, Checks.span(no), "src", bs, Checks.span(ns));
    Checks.noAlias(k, "out", bo, Checks.span(no), "indices", bi, Checks.span(count));
    IndexKernels.checkIndices(k, bi.ints(), count, axis);
    if (no == 0) {
      return;
    }
    IndexKernels.gather(bs.data(), outer, axis, inner, bi.ints(), count, bo.data());
  }

  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    String k = "scatterAdd";
    CpuBuffer bs = Checks.buffer(this, k, "src", src);
    CpuBuffer bi = Checks.buffer(this, k, "indices", indices);
    CpuBuffer bo = Checks.buffer(this, k, "out", out);
    Checks.dtype(k, "indices", bi, DType.INT32);
    Checks.sameType(k, "src", bs, "out", bo);
    long ns = Checks.elements(k, "src of shape [outer, count, inner]", outer, count, inner);
    long no = Checks.elements(k, "out of shape [outer, axis, inner]", outer, axis, inner);
    Checks.range(k, "src", bs, 0, ns);
    Checks.range(k, "indices", bi, 0, count);
    Checks.range(k, "out", bo, 0, no);
    Checks.noAlias(k, "out", bo, Checks.span(no), "src", bs, Checks.span(ns));
    Checks.noAlias(k, "out", bo, Checks.span(no), "indices", bi, Checks.span(count));
    IndexKernels.checkIndices(k, bi.ints(), count, axis);
    if (ns == 0) {
      return;
    }
    IndexKernels.scatterAdd(bs.data(), outer, count, inner, bi.ints(), axis, bo.data());
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
    Checks.range("random", "out", bo, 0, count);
    HostKernels.random(distribution, a, b, seed, streamOffset, bo, (int) count);
  }

  @Override
  public String toString() {
    return "cpu backend";
  }
}

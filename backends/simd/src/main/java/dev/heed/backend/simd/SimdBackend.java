package dev.heed.backend.simd;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendException;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedSelfAttention;
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
import java.util.Optional;

/**
 * The {@code simd} backend: the kernels of {@link Backend} over Java arrays on the heap, with
 * {@code jdk.incubator.vector} (the preferred species, FMA) for FLOAT32 and the work of large
 * kernels split over a pool of {@code threads} threads (the caller included).
 *
 * <p>It checks every argument exactly as the reference {@code cpu} backend does (both call {@link
 * KernelChecks}, so the messages are the same), and its results agree with the reference within the
 * testkit's {@code BackendContract} tolerances. FLOAT32 matmul is blocked with packed panels
 * ({@link Gemm}); FLOAT32 unary, binary (contiguous, and broadcasting rows), row softmax, sums and
 * copies are vectorised and/or split over the threads ({@link VecUnary}, {@link VecBinary}, {@link
 * VecSoftmax}, {@link VecReduce}, {@link CopyKernel}); fused layer norm, fused scaled dot-product
 * attention and multi-head self-attention on a packed projection (forward and backward) and fused
 * elementwise chains are offered as the {@link FusedLayerNorm}, {@link FusedAttention}, {@link
 * FusedSelfAttention} and {@link FusedElementwise} capabilities. FLOAT64 (for gradient checking),
 * max/min/arg reductions, gather/scatter and random run the reference algorithms on the calling
 * thread: core's {@code Reference*} kernels, the very ones {@code cpu} runs. A buffer holds at most
 * {@link Integer#MAX_VALUE} elements. Kernels run synchronously; the backend may be shared by
 * threads, and closing it stops its worker threads.
 */
public final class SimdBackend implements Backend {
  /** The provider name. */
  static final String NAME = "simd";

  /** Elements below which an elementwise kernel stays on the calling thread. */
  private static final int PARALLEL_GRAIN = 1 << 16;

  private final Workers workers;
  private final SimdLayerNorm layerNorm;
  private final SimdAttention attention;
  private final SimdElementwise elementwise;
  private final SimdSelfAttention selfAttention;
  private final ArrayPool pool = new ArrayPool();

  /** Opens the backend with a pool of {@code threads} threads (the caller included). */
  SimdBackend(int threads) {
    this.workers = new Workers(threads);
    this.layerNorm = new SimdLayerNorm(this);
    this.attention = new SimdAttention(this);
    this.elementwise = new SimdElementwise(this);
    this.selfAttention = new SimdSelfAttention(this);
  }

  /** The thread pool. */
  Workers workers() {
    return workers;
  }

  /** The arrays of released FLOAT32 buffers. */
  ArrayPool pool() {
    return pool;
  }

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
        + ", "
        + Gemm.S.vectorBitSize()
        + "-bit vectors ("
        + Gemm.L
        + " float lanes), "
        + workers.threads()
        + " thread(s)";
  }

  @Override
  public boolean supports(DType dtype) {
    return dtype != null;
  }

  @Override
  public Buffer allocate(DType dtype, long size) {
    return allocate(dtype, size, true);
  }

  /** A FLOAT32 buffer's recycled array is handed out as its last buffer left it. */
  @Override
  public Buffer allocateForOverwrite(DType dtype, long size) {
    return allocate(dtype, size, false);
  }

  private Buffer allocate(DType dtype, long size, boolean zero) {
    Objects.requireNonNull(dtype, "allocate: dtype");
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "allocate: "
              + size
              + " elements of "
              + dtype
              + " requested; the simd backend holds a buffer in one Java array, so expected 0 to "
              + Integer.MAX_VALUE
              + " elements");
    }
    try {
      return dtype == DType.FLOAT32
          ? new SimdBuffer(this, pool.take((int) size, zero))
          : new SimdBuffer(this, dtype, (int) size);
    } catch (OutOfMemoryError e) {
      throw new BackendException(
          "simd allocate: no room on the Java heap for "
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
    SimdBuffer d = Checks.buffer(this, "upload", "dst", dst);
    KernelChecks.range("upload", "dst", d, dstOffset, count);
    KernelChecks.hostSegment("upload", host, count, d.dtype(), false);
    ReferenceHost.upload(host, d.data(), (int) dstOffset, (int) count);
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    SimdBuffer s = Checks.buffer(this, "download", "src", src);
    KernelChecks.range("download", "src", s, srcOffset, count);
    KernelChecks.hostSegment("download", host, count, s.dtype(), true);
    ReferenceHost.download(s.data(), (int) srcOffset, (int) count, host);
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    SimdBuffer d = Checks.buffer(this, "fill", "dst", dst);
    KernelChecks.range("fill", "dst", d, offset, count);
    ReferenceHost.fill(d.data(), (int) offset, (int) count, value);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    SimdBuffer s = Checks.buffer(this, "copy", "src", src);
    SimdBuffer d = Checks.buffer(this, "copy", "dst", dst);
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
    CopyKernel.copy(workers, from, fromLayout, d.data(), dstLayout);
  }

  @Override
  public void unary(UnaryOp op, double a, double b, Buffer x, Buffer y, long count) {
    Objects.requireNonNull(op, "unary: op");
    SimdBuffer bx = Checks.buffer(this, "unary", "x", x);
    SimdBuffer by = Checks.buffer(this, "unary", "y", y);
    KernelChecks.unaryArgs(op, bx, by, count);
    if (bx.dtype() == DType.FLOAT32) {
      float[] xs = bx.floats();
      float[] ys = by.floats();
      if (workers.serial(count, PARALLEL_GRAIN)) {
        VecUnary.apply(op, a, b, xs, ys, 0, (int) count);
        return;
      }
      workers.parallelRange(
          count,
          PARALLEL_GRAIN,
          (from, to) -> VecUnary.apply(op, a, b, xs, ys, (int) from, (int) to));
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
    SimdBuffer ba = Checks.buffer(this, k, "a", a);
    SimdBuffer bb = Checks.buffer(this, k, "b", b);
    SimdBuffer bo = Checks.buffer(this, k, "out", out);
    if (!KernelChecks.binaryArgs(k, ba, aLayout, bb, bLayout, bo, outLayout)) {
      return;
    }
    if (ba.dtype() == DType.FLOAT32
        && VecBinary.vectorised(op)
        && aLayout.isContiguous()
        && bLayout.isContiguous()
        && outLayout.isContiguous()) {
      float[] xa = ba.floats();
      float[] xb = bb.floats();
      float[] xo = bo.floats();
      int oa = (int) aLayout.offset();
      int ob = (int) bLayout.offset();
      int oo = (int) outLayout.offset();
      long count = outLayout.elementCount();
      if (workers.serial(count, PARALLEL_GRAIN)) {
        VecBinary.dense(op, xa, oa, xb, ob, xo, oo, 0, (int) count);
        return;
      }
      workers.parallelRange(
          count,
          PARALLEL_GRAIN,
          (from, to) -> VecBinary.dense(op, xa, oa, xb, ob, xo, oo, (int) from, (int) to));
      return;
    }
    StridedWalk w = StridedWalk.of(aLayout, bLayout, outLayout);
    if (ba.dtype() == DType.FLOAT32
        && VecBinary.vectorised(op)
        && w.stride(2) == 1
        && (w.stride(0) & ~1) == 0
        && (w.stride(1) & ~1) == 0) {
      // rows of a broadcast (a bias added to every row, a column scaled by a scalar): vectors
      float[] xa = ba.floats();
      float[] xb = bb.floats();
      float[] xo = bo.floats();
      int n = w.length();
      int sa = w.stride(0);
      int sb = w.stride(1);
      workers.parallelRange(
          w.rows(),
          Math.max(1, PARALLEL_GRAIN / Math.max(1, n)),
          (from, to) -> {
            StridedWalk r = from == 0 ? w : w.at(from);
            for (long i = from; i < to; i++, r.next()) {
              VecBinary.row(op, xa, r.base(0), sa, xb, r.base(1), sb, xo, r.base(2), n);
            }
          });
      return;
    }
    if (ba.dtype() == DType.FLOAT32
        && workers.threads() > 1
        && w.rows() > 1
        && (long) w.length() * w.rows() >= PARALLEL_GRAIN) {
      float[] xa = ba.floats();
      float[] xb = bb.floats();
      float[] xo = bo.floats();
      workers.parallelRange(
          w.rows(),
          Math.max(1, PARALLEL_GRAIN / 2 / Math.max(1, w.length())),
          (from, to) -> ReferenceBinary.binary(op, xa, xb, xo, w.at(from), to - from));
    } else if (ba.dtype() == DType.FLOAT32) {
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
    SimdBuffer bc = Checks.buffer(this, k, "cond", cond);
    SimdBuffer ba = Checks.buffer(this, k, "a", a);
    SimdBuffer bb = Checks.buffer(this, k, "b", b);
    SimdBuffer bo = Checks.buffer(this, k, "out", out);
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
    SimdBuffer bx = Checks.buffer(this, k, "x", x);
    SimdBuffer bo = Checks.buffer(this, k, "out", out);
    long no = KernelChecks.reduceArgs(k, op, bx, outer, axis, inner, bo);
    if (no == 0) {
      return;
    }
    if (op == ReduceOp.SUM && bx.dtype() == DType.FLOAT32) {
      VecReduce.sum(workers, bx.floats(), outer, axis, inner, bo.floats());
    } else {
      ReferenceReduce.reduce(op, bx.data(), outer, axis, inner, bo.data());
    }
  }

  @Override
  public void softmax(Buffer x, int outer, int axis, int inner, boolean log, Buffer y) {
    String k = log ? "log-softmax" : "softmax";
    SimdBuffer bx = Checks.buffer(this, k, "x", x);
    SimdBuffer by = Checks.buffer(this, k, "y", y);
    long n = KernelChecks.softmaxArgs(k, bx, outer, axis, inner, by);
    if (n == 0) {
      return;
    }
    if (bx.dtype() == DType.FLOAT32 && inner == 1) {
      float[] xs = bx.floats();
      float[] ys = by.floats();
      workers.parallelRange(
          outer,
          Math.max(1, PARALLEL_GRAIN / Math.max(1, axis)),
          (from, to) -> VecSoftmax.rows(xs, ys, axis, log, (int) from, (int) to));
    } else if (bx.dtype() == DType.FLOAT32) {
      ReferenceSoftmax.softmax(bx.floats(), outer, axis, inner, log, by.floats());
    } else {
      ReferenceSoftmax.softmax(bx.doubles(), outer, axis, inner, log, by.doubles());
    }
  }

  /** Below this many multiply-adds per matrix, packing panels costs more than it saves. */
  private static final long SMALL_MATMUL_MULTIPLY_ADDS = 1024;

  /**
   * Up to this many multiply-adds per matrix, a C narrower than one register panel ({@code Gemm.NR}
   * columns) whose op(B) rows are contiguous is also left to {@link SmallGemm}'s vector rows: the
   * panels would be mostly padding. Measured on 1 thread: the weight gradients of a 10-10-5 network
   * at batch 32, 5×10×32 and 10×10×32 (Aᵀ·B), 0.62 → 0.21 and 0.78 → 0.40 µs; 32×16×32 1.94 → 0.86
   * µs, 16×16×64 (Aᵀ·B) 1.65 → 1.09 µs; 32×10×32 (Aᵀ·B) 1.14 → 1.22 µs (the largest, about even).
   * With four rows of C at a time (fifth session) these are 0.21 → 0.14, 0.40 → 0.25, 0.65, 0.61
   * and 0.64 µs. A transposed B is taken too where {@link SmallGemm#transposes} copies it: the
   * forward layers of that network at batch 32, 32×10×10 and 32×5×10 (A·Bᵀ), 0.56 → 0.29-0.31 and
   * 0.47 → 0.25-0.30 µs; a copied 16×64 B (1024 elements) made 16×16×64 slower than packing (0.80 →
   * 1.28).
   */
  private static final long NARROW_ROWS_MULTIPLY_ADDS = 1 << 14;

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    Objects.requireNonNull(spec, "matmul: spec");
    String k = "matmul";
    SimdBuffer ba = Checks.buffer(this, k, "a", a);
    SimdBuffer bb = Checks.buffer(this, k, "b", b);
    SimdBuffer bc = Checks.buffer(this, k, "c", c);
    if (!KernelChecks.matmulArgs(spec, ba, bb, bc)) {
      return;
    }
    long fmas = (long) spec.m() * spec.n() * spec.k();
    boolean rows =
        fmas <= SMALL_MATMUL_MULTIPLY_ADDS
            || (spec.n() < Gemm.NR
                && fmas <= NARROW_ROWS_MULTIPLY_ADDS
                && (!spec.transB() || SmallGemm.transposes(spec.m(), spec.n(), spec.k())));
    if (ba.dtype() == DType.FLOAT32 && !rows) {
      Gemm.matmul(workers, spec, ba.floats(), bb.floats(), bc.floats());
    } else if (ba.dtype() == DType.FLOAT32 && spec.k() > 0) {
      // too small or too narrow for packing to pay off (a seed-sized layer): row accumulations,
      // on this thread
      SmallGemm.matmul(spec, ba.floats(), bb.floats(), bc.floats());
    } else if (ba.dtype() == DType.FLOAT32) {
      ReferenceMatmul.matmul(spec, ba.floats(), bb.floats(), bc.floats());
    } else {
      ReferenceMatmul.matmul(spec, ba.doubles(), bb.doubles(), bc.doubles());
    }
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    String k = "gather";
    SimdBuffer bs = Checks.buffer(this, k, "src", src);
    SimdBuffer bi = Checks.buffer(this, k, "indices", indices);
    SimdBuffer bo = Checks.buffer(this, k, "out", out);
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
    SimdBuffer bs = Checks.buffer(this, k, "src", src);
    SimdBuffer bi = Checks.buffer(this, k, "indices", indices);
    SimdBuffer bo = Checks.buffer(this, k, "out", out);
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
    SimdBuffer bo = Checks.buffer(this, "random", "out", out);
    KernelChecks.range("random", "out", bo, 0, count);
    ReferenceHost.random(distribution, a, b, seed, streamOffset, bo.data(), (int) count);
  }

  @Override
  public <T extends Capability> Optional<T> capability(Class<T> type) {
    if (type == FusedLayerNorm.class) {
      return Optional.of(type.cast(layerNorm));
    }
    if (type == FusedAttention.class) {
      return Optional.of(type.cast(attention));
    }
    if (type == FusedElementwise.class) {
      return Optional.of(type.cast(elementwise));
    }
    if (type == FusedSelfAttention.class) {
      return Optional.of(type.cast(selfAttention));
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    workers.close();
    pool.clear();
  }

  @Override
  public String toString() {
    return "simd backend (" + workers.threads() + " threads)";
  }
}

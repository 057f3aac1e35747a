package dev.heed.backend.simd;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.FusedConv2d;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.backend.support.HeapBuffer;
import dev.heed.core.backend.support.ReferenceBinary;
import dev.heed.core.backend.support.StridedWalk;
import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code simd} backend: the kernels of {@link Backend} over Java arrays on the heap, with
 * {@code jdk.incubator.vector} (the preferred species, FMA) for FLOAT32 and the work of large
 * kernels split over a pool of {@code threads} threads (the caller included).
 *
 * <p>A {@link HeapBackend}: every kernel it does not speed up, and every case of a kernel it leaves
 * to the reference (FLOAT64 for gradient checking, max/min/arg reductions, views its fast paths do
 * not take, gather/scatter, random), runs core's reference loops, the very ones {@code cpu} runs.
 * Its results agree with the reference within the testkit's {@code BackendContract} tolerances.
 * FLOAT32 matmul is blocked with packed panels ({@link Gemm}), with kernels of their own for narrow
 * and tiny products ({@link NarrowGemm}, {@link SmallGemm}); FLOAT32 unary, binary, softmax, sums
 * and copies are vectorised and/or split over the threads ({@link VecUnary}, {@link VecBinary},
 * {@link VecSoftmax}, {@link VecReduce}, {@link CopyKernel}); fused layer norm and fused
 * elementwise chains are offered as the {@link FusedLayerNorm} and {@link FusedElementwise}
 * capabilities. Kernels trust their arguments (core checks them). The arrays of released FLOAT32
 * buffers are recycled ({@link ArrayPool}). Kernels run synchronously; the backend may be shared by
 * threads, and closing it stops its worker threads.
 */
public final class SimdBackend extends HeapBackend {
  /** The provider name. */
  static final String NAME = "simd";

  /** Elements below which an elementwise kernel stays on the calling thread. */
  private static final int PARALLEL_GRAIN = 1 << 16;

  private final Workers workers;
  private final SimdLayerNorm layerNorm;
  private final SimdConv2d conv2d;
  private final SimdMaxPool2d maxPool2d;
  private final SimdBatchNorm batchNorm;
  private final SimdElementwise elementwise;
  private final SimdFlashAttention flashAttention;
  private final ArrayPool pool = new ArrayPool();

  /** Opens the backend with a pool of {@code threads} threads (the caller included). */
  SimdBackend(int threads) {
    this.workers = new Workers(threads);
    this.layerNorm = new SimdLayerNorm(this);
    this.conv2d = new SimdConv2d(this);
    this.maxPool2d = new SimdMaxPool2d(this);
    this.batchNorm = new SimdBatchNorm(this);
    this.elementwise = new SimdElementwise(this);
    this.flashAttention = new SimdFlashAttention(workers);
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

  /**
   * A FLOAT32 buffer takes a recycled array from the pool when one of its length is kept (zeroed
   * when {@code zeroed}, otherwise as its last buffer left it).
   */
  @Override
  protected HeapBuffer newBuffer(DType dtype, int size, boolean zeroed) {
    return dtype == DType.FLOAT32
        ? new SimdBuffer(this, pool.take(size, zeroed))
        : new SimdBuffer(this, dtype, size);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    CopyKernel.copy(workers, data(src), srcLayout, data(dst), dstLayout);
  }

  /**
   * FLOAT32 in vectors over two contiguous views (at any offsets), or row by row where the output's
   * innermost elements are contiguous and the input's contiguous too (rows of a strided view, a row
   * repeated by a broadcast) or one value repeated along the row; other views by the reference.
   */
  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    if (x.dtype() != DType.FLOAT32) {
      super.unary(op, a, b, x, xLayout, y, yLayout);
      return;
    }
    float[] xs = floats(x);
    float[] ys = floats(y);
    if (xLayout.isContiguous() && yLayout.isContiguous()) {
      int xo = (int) xLayout.offset();
      int yo = (int) yLayout.offset();
      long count = yLayout.elementCount();
      if (workers.serial(count, PARALLEL_GRAIN)) {
        VecUnary.apply(op, a, b, xs, xo, ys, yo, (int) count);
        return;
      }
      workers.parallelRange(
          count,
          PARALLEL_GRAIN,
          (from, to) ->
              VecUnary.apply(
                  op, a, b, xs, xo + (int) from, ys, yo + (int) from, (int) (to - from)));
      return;
    }
    if (yLayout.isContiguous() && oneValue(xLayout)) {
      // one value everywhere (the gradient of a mean): no walk to build
      int yo = (int) yLayout.offset();
      unaryRow(op, a, b, xs, (int) xLayout.offset(), 0, ys, yo, (int) yLayout.elementCount());
      return;
    }
    StridedWalk w = StridedWalk.of(xLayout, yLayout);
    int sx = w.stride(0);
    if ((sx & ~1) != 0 || w.stride(1) != 1) {
      super.unary(op, a, b, x, xLayout, y, yLayout);
      return;
    }
    int n = w.length();
    if (workers.serial(w.rows() * n, PARALLEL_GRAIN)) {
      for (long i = 0, rows = w.rows(); i < rows; i++, w.next()) {
        unaryRow(op, a, b, xs, w.base(0), sx, ys, w.base(1), n);
      }
      return;
    }
    workers.parallelRange(
        w.rows(),
        Math.max(1, PARALLEL_GRAIN / n),
        (from, to) -> {
          StridedWalk r = from == 0 ? w : w.at(from);
          for (long i = from; i < to; i++, r.next()) {
            unaryRow(op, a, b, xs, r.base(0), sx, ys, r.base(1), n);
          }
        });
  }

  /** Whether every stride of {@code l} is 0 (one element repeated over the whole view). */
  private static boolean oneValue(Layout l) {
    for (int k = 0; k < l.rank(); k++) {
      if (l.stride(k) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code y[yi + j] = op(x[xi + j·sx])} for {@code j < n}, where {@code sx} is 1 (a contiguous
   * row) or 0 (one value repeated along the row, as a loss's mean spreads its gradient: computed
   * once, as the reference computes it, and filled in).
   */
  private static void unaryRow(
      UnaryOp op, double a, double b, float[] x, int xi, int sx, float[] y, int yi, int n) {
    if (sx == 1) {
      VecUnary.apply(op, a, b, x, xi, y, yi, n);
    } else {
      Arrays.fill(y, yi, yi + n, op.applyFloat32(x[xi], a, b));
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
    if (a.dtype() != DType.FLOAT32) {
      super.binary(op, a, aLayout, b, bLayout, out, outLayout);
      return;
    }
    float[] xa = floats(a);
    float[] xb = floats(b);
    float[] xo = floats(out);
    if (VecBinary.vectorised(op)
        && aLayout.isContiguous()
        && bLayout.isContiguous()
        && outLayout.isContiguous()) {
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
    if (VecBinary.vectorised(op)
        && w.stride(2) == 1
        && (w.stride(0) & ~1) == 0
        && (w.stride(1) & ~1) == 0) {
      // rows of a broadcast (a bias added to every row, a column scaled by a scalar): vectors
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
    if (workers.threads() > 1 && w.rows() > 1 && (long) w.length() * w.rows() >= PARALLEL_GRAIN) {
      workers.parallelRange(
          w.rows(),
          Math.max(1, PARALLEL_GRAIN / 2 / Math.max(1, w.length())),
          (from, to) -> ReferenceBinary.binary(op, xa, xb, xo, w.at(from), to - from));
    } else {
      ReferenceBinary.binary(op, xa, xb, xo, w);
    }
  }

  /**
   * FLOAT32 sums in vectors where the view's innermost elements are contiguous: rows ({@code inner
   * == 1}) contiguous along the axis, or columns ({@code inner > 1}) contiguous along {@code
   * inner}, at any offset and outer strides; a transposed matrix ({@code inner == 1}, contiguous
   * along {@code outer}) is summed as columns, and a broadcast axis (stride 0) as a product. The
   * rest by the reference.
   */
  @Override
  public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    if (op == ReduceOp.SUM && x.dtype() == DType.FLOAT32) {
      int outer = xLayout.dim(0);
      int axis = xLayout.dim(1);
      int inner = xLayout.dim(2);
      int xo = (int) xLayout.offset();
      // the stride of a dimension of extent 1 is only ever multiplied by 0
      int so = (int) xLayout.stride(0);
      int sa = (int) xLayout.stride(1);
      if (sa == 0) {
        // a sum along a broadcast axis (the gradient of a broadcast, itself broadcast): each
        // output is axis times one element, as the reference's float64 sum of axis equal terms
        sumOfRepeats(floats(x), xo, so, (int) xLayout.stride(2), outer, axis, inner, floats(out));
        return;
      }
      if (inner == 1 ? axis == 1 || sa == 1 : xLayout.stride(2) == 1) {
        VecReduce.sum(workers, floats(x), xo, so, sa, outer, axis, inner, floats(out));
        return;
      }
      if (inner == 1 && so == 1) {
        // out[o] = Σ_j x[xo + o + j·sa]: the outer index runs along the stored rows
        VecReduce.sum(workers, floats(x), xo, 0, sa, 1, axis, outer, floats(out));
        return;
      }
    }
    super.reduce(op, x, xLayout, out);
  }

  /**
   * {@code out[o·inner + i] = axis · x[xo + o·so + i·si]} in float64, rounded once: the float64 sum
   * of {@code axis} copies of one float is exact (below 2^29 terms), and so is this product; adding
   * +0 makes a sum of -0 terms +0, as the reference's sum from 0 gives.
   */
  private static void sumOfRepeats(
      float[] x, int xo, int so, int si, int outer, int axis, int inner, float[] out) {
    double times = axis;
    for (int o = 0; o < outer; o++) {
      int xb = xo + o * so;
      int ob = o * inner;
      for (int i = 0; i < inner; i++) {
        out[ob + i] = (float) (0.0 + times * x[xb + i * si]);
      }
    }
  }

  /**
   * FLOAT32 softmax of rows ({@code inner == 1}) whose elements are contiguous, at any offset and
   * row stride, in vectors; the rest by the reference.
   */
  @Override
  public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
    int axis = xLayout.dim(1);
    if (x.dtype() != DType.FLOAT32
        || xLayout.dim(2) != 1
        || (axis != 1 && xLayout.stride(1) != 1)) {
      super.softmax(x, xLayout, log, y);
      return;
    }
    float[] xs = floats(x);
    float[] ys = floats(y);
    int xo = (int) xLayout.offset();
    // the row stride of a single row is never used
    int rs = (int) xLayout.stride(0);
    workers.parallelRange(
        xLayout.dim(0),
        Math.max(1, PARALLEL_GRAIN / Math.max(1, axis)),
        (from, to) -> VecSoftmax.rows(xs, xo, rs, ys, axis, log, (int) from, (int) to));
  }

  /** Below this many multiply-adds per matrix, packing panels costs more than it saves. */
  private static final long SMALL_MATMUL_MULTIPLY_ADDS = 1024;

  /**
   * Up to this many multiply-adds per matrix, a C narrower than one register panel ({@code Gemm.NR}
   * columns) whose op(B) rows are contiguous, or whose transposed B {@link SmallGemm#transposes}
   * copies, is also left to {@link SmallGemm}'s vector rows: the panels would be mostly padding.
   */
  private static final long NARROW_ROWS_MULTIPLY_ADDS = 1 << 14;

  /**
   * FLOAT32 products by {@link FewRows} (at most 4 rows of C), {@link SmallGemm}, {@link Gemm} or
   * {@link NarrowGemm}. A B of a 16-bit storage type (weights resident in BFLOAT16 or FLOAT16) is
   * widened as {@link FewRows} reads it, or else widened whole into a temporary float array for the
   * other kernels (a prompt's or a batch's product, where the arithmetic outweighs the copy).
   */
  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    if (a.dtype() != DType.FLOAT32) {
      super.matmul(spec, a, b, c);
      return;
    }
    long fmas = (long) spec.m() * spec.n() * spec.k();
    boolean rows =
        fmas <= SMALL_MATMUL_MULTIPLY_ADDS
            || (spec.n() < Gemm.NR
                && fmas <= NARROW_ROWS_MULTIPLY_ADDS
                && (!spec.transB() || SmallGemm.transposes(spec.m(), spec.n(), spec.k())));
    float[] bf;
    if (b.dtype().isStorageOnly()) {
      short[] h = ((HeapBuffer) b).shorts();
      if (!rows && FewRows.takes(spec)) {
        FewRows.matmul(workers, spec, floats(a), h, b.dtype(), floats(c));
        return;
      }
      // the kernel the FLOAT32 weights would take, on their widened copy: the same bits
      bf = new float[h.length];
      FewRows.widen(b.dtype(), h, 0, bf, 0, h.length);
    } else {
      bf = floats(b);
    }
    if (!rows && FewRows.takes(spec)) {
      // one token's step (few rows of A): the weight streamed once where it lies, not packed
      FewRows.matmul(workers, spec, floats(a), bf, floats(c));
    } else if (!rows) {
      Gemm.matmul(workers, spec, floats(a), bf, floats(c));
    } else if (spec.k() > 0) {
      // too small or too narrow for packing to pay off (a seed-sized layer): row accumulations,
      // on this thread
      SmallGemm.matmul(spec, floats(a), bf, floats(c));
    } else {
      // k = 0: C = beta·C, B unread
      super.matmul(spec, a, b, c);
    }
  }

  @Override
  public <T extends Capability> Optional<T> capability(Class<T> type) {
    if (type == FusedLayerNorm.class) {
      return Optional.of(type.cast(layerNorm));
    }
    if (type == FusedElementwise.class) {
      return Optional.of(type.cast(elementwise));
    }
    if (type == FusedAttention.class) return Optional.of(type.cast(flashAttention));
    if (type == FusedConv2d.class) {
      return Optional.of(type.cast(conv2d));
    }
    if (type == FusedMaxPool2d.class) {
      return Optional.of(type.cast(maxPool2d));
    }
    if (type == FusedBatchNorm.class) {
      return Optional.of(type.cast(batchNorm));
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

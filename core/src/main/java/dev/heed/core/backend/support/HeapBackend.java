package dev.heed.core.backend.support;

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

/**
 * A base for backends that keep their buffers as Java arrays on the heap ({@link HeapBuffer}):
 * every kernel of {@link Backend} implemented once by the reference loops of this package, on the
 * calling thread, for any strides. The reference backend is this class as it is; a faster heap
 * backend overrides the kernels it speeds up and calls {@code super} for the cases it leaves to the
 * reference. Kernels trust their arguments (core checks them before dispatch), so nothing here
 * validates.
 *
 * <p>A buffer holds at most {@link Integer#MAX_VALUE} elements (one Java array). A subclass that
 * recycles arrays overrides {@link #newBuffer}.
 */
public abstract class HeapBackend implements Backend {

  /** For subclasses. */
  protected HeapBackend() {}

  /** Every element type. */
  @Override
  public boolean supports(DType dtype) {
    return dtype != null;
  }

  @Override
  public final Buffer allocate(DType dtype, long size) {
    return allocate(dtype, size, true);
  }

  @Override
  public final Buffer allocateForOverwrite(DType dtype, long size) {
    return allocate(dtype, size, false);
  }

  private Buffer allocate(DType dtype, long size, boolean zeroed) {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "allocate: "
              + size
              + " elements of "
              + dtype
              + " requested; the "
              + name()
              + " backend holds a buffer in one Java array, so expected 0 to "
              + Integer.MAX_VALUE
              + " elements");
    }
    try {
      return newBuffer(dtype, (int) size, zeroed);
    } catch (OutOfMemoryError e) {
      throw new BackendException(
          name()
              + " allocate: no room on the Java heap for "
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

  /**
   * A new buffer of {@code size} elements owned by this backend: zeros when {@code zeroed},
   * otherwise any contents (a recycled array may be handed out as it is). The default allocates a
   * zeroed array either way.
   *
   * @throws OutOfMemoryError when the heap has no room
   */
  protected HeapBuffer newBuffer(DType dtype, int size, boolean zeroed) {
    return new HeapBuffer(this, dtype, size);
  }

  /** The array of a heap buffer of this backend. */
  protected static Object data(Buffer b) {
    return ((HeapBuffer) b).data();
  }

  /** The {@code float[]} of a FLOAT32 heap buffer. */
  protected static float[] floats(Buffer b) {
    return ((HeapBuffer) b).floats();
  }

  /** The {@code double[]} of a FLOAT64 heap buffer. */
  protected static double[] doubles(Buffer b) {
    return ((HeapBuffer) b).doubles();
  }

  /** The {@code int[]} of an INT32 heap buffer. */
  protected static int[] ints(Buffer b) {
    return ((HeapBuffer) b).ints();
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    ReferenceHost.upload(host, data(dst), (int) dstOffset, (int) count);
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    ReferenceHost.download(data(src), (int) srcOffset, (int) count, host);
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    ReferenceHost.fill(data(dst), (int) offset, (int) count, value);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    ReferenceCopy.copy(data(src), srcLayout, data(dst), dstLayout);
  }

  /**
   * {@link ReferenceUnary} on the elements as they lie when both views are contiguous from element
   * 0; otherwise the input view is first copied into a contiguous array and the result copied into
   * the output view.
   */
  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    int n = (int) yLayout.elementCount();
    boolean dense =
        xLayout.isContiguous()
            && yLayout.isContiguous()
            && xLayout.offset() == 0
            && yLayout.offset() == 0;
    Object xs = dense ? data(x) : ReferenceCopy.stage(data(x), xLayout);
    Object ys = dense ? data(y) : (x.dtype() == DType.FLOAT32 ? new float[n] : new double[n]);
    if (xs instanceof float[] f) {
      ReferenceUnary.apply(op, a, b, f, (float[]) ys, n);
    } else {
      ReferenceUnary.apply(op, a, b, (double[]) xs, (double[]) ys, n);
    }
    if (!dense) {
      ReferenceCopy.copy(ys, Layout.contiguous(yLayout.shape()), data(y), yLayout);
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
    StridedWalk w = StridedWalk.of(aLayout, bLayout, outLayout);
    if (a.dtype() == DType.FLOAT32) {
      ReferenceBinary.binary(op, floats(a), floats(b), floats(out), w);
    } else {
      ReferenceBinary.binary(op, doubles(a), doubles(b), doubles(out), w);
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
    StridedWalk w = StridedWalk.of(condLayout, aLayout, bLayout, outLayout);
    if (a.dtype() == DType.FLOAT32) {
      ReferenceBinary.where(floats(cond), floats(a), floats(b), floats(out), w);
    } else {
      ReferenceBinary.where(doubles(cond), doubles(a), doubles(b), doubles(out), w);
    }
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    ReferenceReduce.reduce(op, data(x), xLayout, data(out));
  }

  @Override
  public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
    ReferenceSoftmax.softmax(data(x), xLayout, log, data(y));
  }

  /**
   * The values of a buffer of a 16-bit storage type, widened exactly to a new {@code float[]} of
   * its length (the same indexing).
   */
  protected static float[] widened(Buffer b) {
    short[] h = ((HeapBuffer) b).shorts();
    DType t = b.dtype();
    float[] out = new float[h.length];
    for (int i = 0; i < h.length; i++) {
      out[i] = t.widen(h[i]);
    }
    return out;
  }

  /** A B of a 16-bit storage type is widened to FLOAT32 first ({@link #widened}). */
  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    if (b.dtype().isStorageOnly()) {
      ReferenceMatmul.matmul(spec, floats(a), widened(b), floats(c));
    } else if (a.dtype() == DType.FLOAT32) {
      ReferenceMatmul.matmul(spec, floats(a), floats(b), floats(c));
    } else {
      ReferenceMatmul.matmul(spec, doubles(a), doubles(b), doubles(c));
    }
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    ReferenceIndex.gather(data(src), outer, axis, inner, ints(indices), count, data(out));
  }

  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    ReferenceIndex.scatterAdd(data(src), outer, count, inner, ints(indices), axis, data(out));
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
    ReferenceHost.random(distribution, a, b, seed, streamOffset, data(out), (int) count);
  }
}

package dev.heed.core.backend;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * A compute device and its primitive kernels over opaque {@link Buffer}s.
 *
 * <p>This is the whole contract a new CPU or GPU backend implements; everything else (layer norm,
 * attention, losses, every backward formula) is composed in core from these kernels. No kernel
 * takes or returns a Java array: host data crosses only through {@link #upload} and {@link
 * #download}, as {@link MemorySegment}s whose element type is the buffer's {@link DType} in native
 * byte order (heap segments such as {@code MemorySegment.ofArray(float[])} are fine).
 *
 * <p><b>Views.</b> Most kernels read and write strided views of buffers, each described by a {@link
 * Layout} (shape, element strides, offset; a stride may be 0 to broadcast). A backend must compute
 * every view correctly and may keep fast paths for the common ones (contiguous, a transposed
 * matrix); {@code dev.heed.core.backend.support} has reference loops for heap arrays.
 *
 * <p><b>Checks live in core.</b> Core checks every argument once, before dispatch, in {@link
 * Kernels} (with the messages users see): buffers of this backend and not released, one
 * floating-point {@link DType} for all operands unless a kernel says otherwise, views inside their
 * buffers and of matching shapes, destinations that do not write an element twice, outputs that
 * alias inputs only where a kernel allows it, index ranges. Kernels therefore trust their arguments
 * and hold no validation code; calling one directly with arguments that break its contract is
 * undefined (wrap the backend in {@link CheckedBackend} to call kernels directly with the checks).
 * Core never issues a kernel whose output has no elements. Sizes and offsets are in elements.
 *
 * <p><b>Order and threads.</b> Kernels may run asynchronously, but each kernel observes the effects
 * of every kernel issued before it on the same backend, and {@link #download} returns only when the
 * data is on the host. Device failures throw {@link BackendException}. A backend instance may be
 * shared by threads, but kernels on buffers that one thread is writing must not be issued from
 * another thread at the same time.
 */
public interface Backend extends AutoCloseable {

  /** The provider name of this backend (for example {@code cpu}). */
  String name();

  /** A human-readable description of the device, for logs and {@code heed plugins}. */
  String deviceDescription();

  /** Whether buffers of this element type can be allocated here. */
  boolean supports(DType dtype);

  /** Allocates {@code size} elements, filled with zeros. {@code size} may be 0. */
  Buffer allocate(DType dtype, long size);

  /**
   * Allocates {@code size} elements for a result that a kernel is about to write in full, so their
   * initial contents are unspecified (a backend may hand out recycled memory without clearing it).
   * Core calls it only for outputs whose every element the next kernel call writes: unary, binary,
   * matmul with {@code beta = 0}, {@code linear} (the bias copy writes every element before the
   * product is added), fused elementwise outputs, softmax. The default allocates zeros.
   */
  default Buffer allocateForOverwrite(DType dtype, long size) {
    return allocate(dtype, size);
  }

  /**
   * Copies {@code count} elements from host memory into {@code dst} starting at element {@code
   * dstOffset}. The host segment holds elements of {@code dst.dtype()} in native byte order and has
   * at least {@code count · byteSize} bytes.
   */
  void upload(MemorySegment host, Buffer dst, long dstOffset, long count);

  /**
   * Copies {@code count} elements of {@code src} starting at {@code srcOffset} into host memory.
   */
  void download(Buffer src, long srcOffset, long count, MemorySegment host);

  /** Sets {@code count} elements of {@code dst}, starting at {@code offset}, to {@code value}. */
  void fill(Buffer dst, long offset, long count, double value);

  /**
   * Copies the view {@code srcLayout} of {@code src} into the view {@code dstLayout} of {@code dst}
   * element by element in row-major order. The two layouts have the same shape. Source strides may
   * be 0 (broadcast); the destination view does not overlap itself, and the two views do not share
   * memory unless they are identical (core stages overlapping copies). When the buffers' types
   * differ the values are converted (float to INT32 truncates toward zero). This one kernel covers
   * copies, transposes, permutations, slices, concatenation and broadcasting.
   */
  void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout);

  /**
   * {@code y[v] = op(x[v]; a, b)} for every element {@code v} of the views, which have the same
   * shape; {@code x} may broadcast with stride 0. {@code y} may be the same buffer as {@code x}
   * only when the views are identical (in place).
   */
  void unary(UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout);

  /**
   * {@code out[v] = op(a[v], b[v])} for every element {@code v} of the views. The three layouts
   * have the same shape; {@code a} and {@code b} may broadcast with stride 0. {@code out} may be
   * the same buffer as {@code a} or {@code b} when the views are identical (in place).
   */
  void binary(
      BinaryOp op,
      Buffer a,
      Layout aLayout,
      Buffer b,
      Layout bLayout,
      Buffer out,
      Layout outLayout);

  /**
   * {@code out[v] = cond[v] != 0 ? a[v] : b[v]}, with views as in {@link #binary}. {@code cond} has
   * the floating-point type of {@code a} and {@code b}.
   */
  void where(
      Buffer cond,
      Layout condLayout,
      Buffer a,
      Layout aLayout,
      Buffer b,
      Layout bLayout,
      Buffer out,
      Layout outLayout);

  /**
   * Reduces the view {@code xLayout} of {@code x}, of rank 3 {@code [outer, axis, inner]} with any
   * strides, along its middle dimension into {@code out}, contiguous {@code [outer, inner]} from
   * element 0. Arg-reductions write {@link DType#INT32}. {@code out} does not share memory with
   * {@code x}.
   */
  void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out);

  /**
   * Softmax (or log-softmax when {@code log}) of the view {@code xLayout} of {@code x}, of rank 3
   * {@code [outer, axis, inner]} with any strides, along its middle dimension, computed stably (the
   * maximum is subtracted first), into {@code y}, contiguous {@code [outer, axis, inner]} from
   * element 0. A row that is entirely {@code -∞} gives NaN, as in PyTorch. {@code y} may be {@code
   * x} only when {@code xLayout} is contiguous from element 0 (in place).
   */
  void softmax(Buffer x, Layout xLayout, boolean log, Buffer y);

  /**
   * The batched matrix product described by {@code spec}; {@code c} must not alias {@code a} or
   * {@code b}.
   */
  void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c);

  /**
   * Index select: with {@code src} contiguous {@code [outer, axis, inner]} and {@code count} {@link
   * DType#INT32} indices, all contiguous from element 0, writes {@code out[o, j, i] = src[o,
   * indices[j], i]} ({@code out} contiguous {@code [outer, count, inner]}). Core has made sure that
   * every index lies in {@code [0, axis)} (where the indices were made, or by reading them).
   */
  void gather(Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out);

  /**
   * The adjoint of {@link #gather}: {@code out[o, indices[j], i] += src[o, j, i]} with {@code src}
   * contiguous {@code [outer, count, inner]} and {@code out} contiguous {@code [outer, axis,
   * inner]}. Repeated indices accumulate, in index order (so results are deterministic).
   */
  void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out);

  /**
   * Fills {@code count} elements of {@code out} with element {@code streamOffset + i} of the
   * counter-based stream {@code seed}, as defined by {@link Distribution#sample}.
   */
  void random(
      Distribution distribution,
      double a,
      double b,
      long seed,
      long streamOffset,
      Buffer out,
      long count);

  /**
   * An optional faster kernel family, or empty when this backend does not offer it (core then uses
   * a composite of the primitive kernels).
   */
  default <T extends Capability> Optional<T> capability(Class<T> type) {
    return Optional.empty();
  }

  /** Waits until every issued kernel has finished. Host backends return at once. */
  default void synchronize() {}

  /** Releases device resources (contexts, queues, pools). Buffers must be released first. */
  @Override
  default void close() {}
}

package dev.heed.core.backend;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

/**
 * A backend whose kernels check their arguments, through {@link Kernels}, before calling the
 * wrapped backend's unchecked kernels: for programs and tests that drive a backend's kernels
 * directly rather than through tensors. Buffers it allocates belong to the wrapped backend (their
 * {@link Buffer#backend()} is the delegate). Capabilities are the delegate's, unchecked: core's
 * operations check their arguments before using one.
 */
public final class CheckedBackend implements Backend {
  private final Backend delegate;

  private CheckedBackend(Backend delegate) {
    this.delegate = delegate;
  }

  /** {@code backend} with checked kernels ({@code backend} itself when it is already checked). */
  public static CheckedBackend of(Backend backend) {
    Objects.requireNonNull(backend, "backend");
    return backend instanceof CheckedBackend c ? c : new CheckedBackend(backend);
  }

  /** The wrapped backend. */
  public Backend delegate() {
    return delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public String deviceDescription() {
    return delegate.deviceDescription();
  }

  @Override
  public boolean supports(DType dtype) {
    return delegate.supports(dtype);
  }

  @Override
  public Buffer allocate(DType dtype, long size) {
    return Kernels.allocate(delegate, dtype, size);
  }

  @Override
  public Buffer allocateForOverwrite(DType dtype, long size) {
    return Kernels.allocateForOverwrite(delegate, dtype, size);
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    Kernels.upload(delegate, host, dst, dstOffset, count);
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    Kernels.download(delegate, src, srcOffset, count, host);
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    Kernels.fill(delegate, dst, offset, count, value);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    Kernels.copy(delegate, src, srcLayout, dst, dstLayout);
  }

  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    Kernels.unary(delegate, op, a, b, x, xLayout, y, yLayout);
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
    Kernels.binary(delegate, op, a, aLayout, b, bLayout, out, outLayout);
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
    Kernels.where(delegate, cond, condLayout, a, aLayout, b, bLayout, out, outLayout);
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    Kernels.reduce(delegate, op, x, xLayout, out);
  }

  @Override
  public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
    Kernels.softmax(delegate, x, xLayout, log, y);
  }

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    Kernels.matmul(delegate, spec, a, b, c);
  }

  /** {@link Backend#gather}; the indices are read and checked. */
  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    Kernels.gather(delegate, src, outer, axis, inner, indices, count, out, -1);
  }

  /** {@link Backend#scatterAdd}; the indices are read and checked. */
  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    Kernels.scatterAdd(delegate, src, outer, count, inner, indices, axis, out, -1);
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
    Kernels.random(delegate, distribution, a, b, seed, streamOffset, out, count);
  }

  @Override
  public <T extends Capability> Optional<T> capability(Class<T> type) {
    return delegate.capability(type);
  }

  @Override
  public void synchronize() {
    delegate.synchronize();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "checked " + delegate;
  }
}

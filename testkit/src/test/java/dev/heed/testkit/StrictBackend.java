package dev.heed.testkit;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.HeapBackend;
import java.lang.foreign.MemorySegment;

/**
 * The reference kernels behind core's argument checks ({@link Kernels}), refusing with an {@link
 * AssertionError} any call whose output has no elements: a contract run on it proves that every
 * kernel call it makes is one core could make (buffers and views in range, no forbidden aliasing,
 * valid indices, never an empty output; matmul with {@code k = 0} and a non-empty C is allowed).
 * Named {@code cpu}, so that it passes as a registered backend.
 */
class StrictBackend extends HeapBackend {
  /** Set while a call that core has checked runs the reference kernel. */
  private final ThreadLocal<Boolean> checked = ThreadLocal.withInitial(() -> false);

  @Override
  public String name() {
    return TestBackends.REFERENCE;
  }

  @Override
  public String deviceDescription() {
    return "the reference kernels behind core's argument checks";
  }

  private static void nonEmpty(String kernel, long elements) {
    if (elements <= 0) {
      throw new AssertionError(kernel + " issued with an empty output; core never does that");
    }
  }

  /** Runs {@code call} (which re-enters this backend through {@link Kernels}) as checked. */
  private void checked(Runnable call) {
    checked.set(true);
    try {
      call.run();
    } finally {
      checked.set(false);
    }
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    if (checked.get()) {
      super.upload(host, dst, dstOffset, count);
      return;
    }
    nonEmpty("upload", count);
    checked(() -> Kernels.upload(this, host, dst, dstOffset, count));
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    if (checked.get()) {
      super.download(src, srcOffset, count, host);
      return;
    }
    nonEmpty("download", count);
    checked(() -> Kernels.download(this, src, srcOffset, count, host));
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    if (checked.get()) {
      super.fill(dst, offset, count, value);
      return;
    }
    nonEmpty("fill", count);
    checked(() -> Kernels.fill(this, dst, offset, count, value));
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    if (checked.get()) {
      super.copy(src, srcLayout, dst, dstLayout);
      return;
    }
    nonEmpty("copy", dstLayout.elementCount());
    checked(() -> Kernels.copy(this, src, srcLayout, dst, dstLayout));
  }

  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    if (checked.get()) {
      super.unary(op, a, b, x, xLayout, y, yLayout);
      return;
    }
    nonEmpty("unary " + op, yLayout.elementCount());
    checked(() -> Kernels.unary(this, op, a, b, x, xLayout, y, yLayout));
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
    if (checked.get()) {
      super.binary(op, a, aLayout, b, bLayout, out, outLayout);
      return;
    }
    nonEmpty("binary " + op, outLayout.elementCount());
    checked(() -> Kernels.binary(this, op, a, aLayout, b, bLayout, out, outLayout));
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
    if (checked.get()) {
      super.where(cond, condLayout, a, aLayout, b, bLayout, out, outLayout);
      return;
    }
    nonEmpty("where", outLayout.elementCount());
    checked(() -> Kernels.where(this, cond, condLayout, a, aLayout, b, bLayout, out, outLayout));
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    if (checked.get()) {
      super.reduce(op, x, xLayout, out);
      return;
    }
    nonEmpty("reduce " + op, (long) xLayout.dim(0) * xLayout.dim(2));
    checked(() -> Kernels.reduce(this, op, x, xLayout, out));
  }

  @Override
  public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
    if (checked.get()) {
      super.softmax(x, xLayout, log, y);
      return;
    }
    nonEmpty("softmax", xLayout.elementCount());
    checked(() -> Kernels.softmax(this, x, xLayout, log, y));
  }

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    if (checked.get()) {
      super.matmul(spec, a, b, c);
      return;
    }
    nonEmpty("matmul", (long) spec.batch() * spec.m() * spec.n());
    checked(() -> Kernels.matmul(this, spec, a, b, c));
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    if (checked.get()) {
      super.gather(src, outer, axis, inner, indices, count, out);
      return;
    }
    nonEmpty("gather", (long) outer * count * inner);
    checked(() -> Kernels.gather(this, src, outer, axis, inner, indices, count, out, -1));
  }

  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    if (checked.get()) {
      super.scatterAdd(src, outer, count, inner, indices, axis, out);
      return;
    }
    nonEmpty("scatterAdd", (long) outer * count * inner);
    checked(() -> Kernels.scatterAdd(this, src, outer, count, inner, indices, axis, out, -1));
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
    if (checked.get()) {
      super.random(distribution, a, b, seed, streamOffset, out, count);
      return;
    }
    nonEmpty("random", count);
    checked(() -> Kernels.random(this, distribution, a, b, seed, streamOffset, out, count));
  }
}

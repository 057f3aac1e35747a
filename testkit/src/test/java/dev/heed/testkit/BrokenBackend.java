package dev.heed.testkit;

import dev.heed.core.backend.Backend;
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
 * The reference backend with one deliberate bug, to show that {@link BackendContract} notices. Each
 * subclass breaks one kernel by overriding it.
 */
class BrokenBackend implements Backend {
  final Backend cpu = TestBackends.reference();

  @Override
  public String name() {
    return cpu.name();
  }

  @Override
  public String deviceDescription() {
    return "the reference backend with a bug";
  }

  @Override
  public boolean supports(DType dtype) {
    return cpu.supports(dtype);
  }

  @Override
  public Buffer allocate(DType dtype, long size) {
    return cpu.allocate(dtype, size);
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    cpu.upload(host, dst, dstOffset, count);
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    cpu.download(src, srcOffset, count, host);
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    cpu.fill(dst, offset, count, value);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    cpu.copy(src, srcLayout, dst, dstLayout);
  }

  @Override
  public void unary(UnaryOp op, double a, double b, Buffer x, Buffer y, long count) {
    cpu.unary(op, a, b, x, y, count);
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
    cpu.binary(op, a, aLayout, b, bLayout, out, outLayout);
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
    cpu.where(cond, condLayout, a, aLayout, b, bLayout, out, outLayout);
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, int outer, int axis, int inner, Buffer out) {
    cpu.reduce(op, x, outer, axis, inner, out);
  }

  @Override
  public void softmax(Buffer x, int outer, int axis, int inner, boolean log, Buffer y) {
    cpu.softmax(x, outer, axis, inner, log, y);
  }

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    cpu.matmul(spec, a, b, c);
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    cpu.gather(src, outer, axis, inner, indices, count, out);
  }

  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    cpu.scatterAdd(src, outer, count, inner, indices, axis, out);
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
    cpu.random(distribution, a, b, seed, streamOffset, out, count);
  }
}

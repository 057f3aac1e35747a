package dev.heed.backend.opencl;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * A buffer of the {@code opencl} backend: one {@code cl_mem} in device memory ({@link
 * MemorySegment#NULL} for an empty buffer, which OpenCL cannot allocate). {@link #close()} calls
 * {@code clReleaseMemObject} exactly once, from any thread (OpenCL releases are thread-safe); if a
 * buffer becomes unreachable without being closed, a {@link Cleaner} releases it as a safety net.
 * OpenCL keeps the memory alive until the kernels already queued on it have finished.
 */
final class ClBuffer implements Buffer {

  private final OpenClBackend owner;
  private final DType dtype;
  private final long size;
  private final MemorySegment mem;
  private final long id;
  private final Cleaner.Cleanable cleanable;
  private volatile boolean released;

  ClBuffer(OpenClBackend owner, DType dtype, long size, ClMem mem, Runnable release) {
    this.owner = owner;
    this.dtype = dtype;
    this.size = size;
    this.mem = mem.handle();
    this.id = mem.id();
    this.cleanable = owner.cleaner().register(this, release);
  }

  @Override
  public OpenClBackend backend() {
    return owner;
  }

  /** The {@code cl_mem} handle ({@code NULL} when empty). */
  MemorySegment mem() {
    return mem;
  }

  /**
   * The number of this buffer's {@code cl_mem} ({@link ClMem}): kernels' cached arguments name it
   * by handle and number, so a handle the driver hands out again never matches an old argument.
   */
  long id() {
    return id;
  }

  /** The size in bytes. */
  long bytes() {
    return size * dtype.byteSize();
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean isReleased() {
    return released;
  }

  @Override
  public void close() {
    released = true;
    cleanable.clean(); // runs the release once, whoever calls first
  }

  @Override
  public String toString() {
    return "opencl " + dtype + "[" + size + "]" + (released ? " (released)" : "");
  }
}

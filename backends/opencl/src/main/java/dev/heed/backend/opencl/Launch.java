package dev.heed.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.heed.core.backend.BackendException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Sets the arguments of one kernel, in order, and enqueues it. The caller holds the backend's
 * launch lock (kernel arguments are shared state of the {@code cl_kernel}); argument values live in
 * a confined arena for the duration of the launch (OpenCL copies them at {@code clSetKernelArg}).
 */
final class Launch implements AutoCloseable {
  private final Cl cl;
  private final MemorySegment queue;
  private final MemorySegment kernel;
  private final String name;
  private final Arena arena = Arena.ofConfined();
  private int index;

  Launch(Cl cl, MemorySegment queue, MemorySegment kernel, String name) {
    this.cl = cl;
    this.queue = queue;
    this.kernel = kernel;
    this.name = name;
  }

  private Launch set(long size, MemorySegment value) {
    int status;
    try {
      status = (int) cl.setKernelArg.invokeExact(kernel, index, size, value);
    } catch (Throwable t) {
      throw new BackendException("opencl: clSetKernelArg of " + name + " failed: " + t, t);
    }
    Cl.check(status, "clSetKernelArg " + index + " of kernel " + name);
    index++;
    return this;
  }

  /** A buffer argument. */
  Launch mem(ClBuffer b) {
    MemorySegment v = arena.allocate(ADDRESS);
    v.set(ADDRESS, 0, b.mem());
    return set(ADDRESS.byteSize(), v);
  }

  /** An {@code int} argument. */
  Launch i32(int value) {
    return set(4, arena.allocateFrom(JAVA_INT, value));
  }

  /** A {@code long} (or {@code ulong}) argument. */
  Launch i64(long value) {
    return set(8, arena.allocateFrom(JAVA_LONG, value));
  }

  /** A floating-point argument as a {@code double} when {@code wide}, else a {@code float}. */
  Launch real(boolean wide, double value) {
    return wide
        ? set(8, arena.allocateFrom(JAVA_DOUBLE, value))
        : set(4, arena.allocateFrom(JAVA_FLOAT, (float) value));
  }

  /** An {@code int8} argument. */
  Launch int8(int[] values) {
    return set(32, arena.allocateFrom(JAVA_INT, values));
  }

  /** A {@code long8} argument. */
  Launch long8(long[] values) {
    return set(64, arena.allocateFrom(JAVA_LONG, values));
  }

  /**
   * Enqueues over {@code n} items (rounded up to a multiple of 64; kernels bound-check); nothing
   * for {@code n = 0}, which OpenCL 1.x rejects as a global size.
   */
  void run(long n) {
    if (n == 0) {
      return;
    }
    long global = (n + 63) / 64 * 64;
    run(new long[] {global}, null);
  }

  /** Enqueues over a global range with an optional local range. */
  void run(long[] global, long[] local) {
    MemorySegment g = arena.allocateFrom(JAVA_LONG, global);
    MemorySegment l = local == null ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, local);
    int status;
    try {
      status =
          (int)
              cl.enqueueNdRangeKernel.invokeExact(
                  queue,
                  kernel,
                  global.length,
                  MemorySegment.NULL,
                  g,
                  l,
                  0,
                  MemorySegment.NULL,
                  MemorySegment.NULL);
    } catch (Throwable t) {
      throw new BackendException("opencl: enqueueing kernel " + name + " failed: " + t, t);
    }
    Cl.check(status, "clEnqueueNDRangeKernel of " + name);
  }

  @Override
  public void close() {
    arena.close();
  }
}

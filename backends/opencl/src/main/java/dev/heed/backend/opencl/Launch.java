package dev.heed.backend.opencl;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.heed.core.backend.BackendException;
import dev.heed.core.backend.Layout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The launch of one kernel: its arguments, in order, collected as words, then {@link #run} finds a
 * {@code cl_kernel} of that kernel ({@link ClKernel}) already holding those values, or sets the
 * arguments that differ on one, and enqueues it. One object per backend, reused by every launch
 * under the backend's launch lock ({@link OpenClBackend#begin}, released by {@link #close}): the
 * words and the native memory the values pass through are allocated once, so a launch allocates
 * nothing, and one whose arguments an object already holds makes a single downcall, the enqueue.
 *
 * <p>Encoding: an {@code int}, {@code long}, {@code float} or {@code double} is one word (the
 * floating-point ones as their bits), an {@code int8} or {@code long8} eight, a buffer two (its
 * {@code cl_mem} handle and that handle's number, {@link ClMem}, so that a launch never matches an
 * object set for a {@code cl_mem} released to the driver whose address was handed out again).
 */
final class Launch implements AutoCloseable {
  private static final int I32 = 0;
  private static final int I64 = 1;
  private static final int F32 = 2;
  private static final int F64 = 3;
  private static final int INT8 = 4;
  private static final int LONG8 = 5;
  private static final int MEM = 6;

  /** Arguments a kernel may take. */
  static final int MAX_ARGS = 256;

  private static final int MAX_WORDS = 8 * MAX_ARGS;

  private final Cl cl;
  private final MemorySegment queue;
  private final Runnable unlock;
  private final long[] words = new long[MAX_WORDS];
  private final int[] start = new int[MAX_ARGS + 1];
  private final byte[] kind = new byte[MAX_ARGS];
  private final MemorySegment value;
  private final MemorySegment sizes;
  private final MemorySegment local;
  private ClKernel kernel;
  private int args;
  private int n;
  private long setCalls;
  private long enqueues;

  Launch(Cl cl, MemorySegment queue, Runnable unlock) {
    this.cl = cl;
    this.queue = queue;
    this.unlock = unlock;
    Arena arena = Arena.ofAuto(); // kept as long as this launch object
    this.value = arena.allocate(64, 8);
    this.sizes = arena.allocate(6 * 8, 8);
    this.local = sizes.asSlice(24);
  }

  /** Starts the arguments of {@code k}; the caller holds the launch lock. */
  Launch start(ClKernel k) {
    if (kernel != null) {
      throw new IllegalStateException("opencl: a launch of " + kernel.name + " is still open");
    }
    kernel = k;
    args = 0;
    n = 0;
    return this;
  }

  /** Opens argument {@code args} of kind {@code k}. */
  private void next(int k) {
    if (args == MAX_ARGS) {
      throw new BackendException(
          "opencl: kernel " + kernel.name + " takes more than " + MAX_ARGS + " arguments");
    }
    kind[args] = (byte) k;
    start[args++] = n;
  }

  private Launch add(int k, long w) {
    next(k);
    words[n++] = w;
    return this;
  }

  /** A buffer argument. */
  Launch mem(ClBuffer b) {
    next(MEM);
    words[n++] = b.mem().address();
    words[n++] = b.id();
    return this;
  }

  /** An {@code int} argument. */
  Launch i32(int v) {
    return add(I32, v);
  }

  /** A {@code long} (or {@code ulong}) argument. */
  Launch i64(long v) {
    return add(I64, v);
  }

  /** A floating-point argument as a {@code double} when {@code wide}, else a {@code float}. */
  Launch real(boolean wide, double v) {
    return wide
        ? add(F64, Double.doubleToRawLongBits(v))
        : add(F32, Float.floatToRawIntBits((float) v));
  }

  /** An {@code int8} argument. */
  Launch int8(int[] values) {
    next(INT8);
    for (int i = 0; i < 8; i++) {
      words[n++] = values[i];
    }
    return this;
  }

  /** A {@code long8} argument. */
  Launch long8(long[] values) {
    next(LONG8);
    System.arraycopy(values, 0, words, n, 8);
    n += 8;
    return this;
  }

  /** The {@code int8} shape of a simplified walk, padded with 1. */
  Launch shape8(Views v) {
    next(INT8);
    int[] e = v.extent();
    for (int i = 0; i < 8; i++) {
      words[n++] = i < e.length ? e[i] : 1;
    }
    return this;
  }

  /** The {@code long8} strides of view {@code op} of a simplified walk, padded with 0. */
  Launch strides8(Views v, int op) {
    next(LONG8);
    long[] s = v.strides()[op];
    for (int i = 0; i < 8; i++) {
      words[n++] = i < s.length ? s[i] : 0;
    }
    return this;
  }

  /**
   * A rank-4 view as the attention kernels take it, a {@code long8} of its offset and four strides
   * (zeros for {@code null}).
   */
  Launch view4(Layout l) {
    next(LONG8);
    for (int i = 0; i < 8; i++) {
      words[n + i] = 0;
    }
    if (l != null) {
      words[n] = l.offset();
      for (int d = 0; d < 4; d++) {
        words[n + 1 + d] = l.stride(d);
      }
    }
    n += 8;
    return this;
  }

  /**
   * Enqueues over {@code n} items (rounded up to a multiple of 64; kernels bound-check); nothing
   * for {@code n = 0}, which OpenCL 1.x rejects as a global size.
   */
  void run(long items) {
    if (items == 0) {
      return;
    }
    sizes.set(JAVA_LONG, 0, (items + 63) / 64 * 64);
    enqueue(1, false);
  }

  /** Enqueues over a one-dimensional global range in work-groups of {@code local}. */
  void run(long global, long local) {
    sizes.set(JAVA_LONG, 0, global);
    sizes.set(JAVA_LONG, 24, local);
    enqueue(1, true);
  }

  /** Enqueues over a two-dimensional global range with a local range. */
  void run(long g0, long g1, long l0, long l1) {
    sizes.set(JAVA_LONG, 0, g0);
    sizes.set(JAVA_LONG, 8, g1);
    sizes.set(JAVA_LONG, 24, l0);
    sizes.set(JAVA_LONG, 32, l1);
    enqueue(2, true);
  }

  /** Enqueues over a three-dimensional global range with a local range. */
  void run(long g0, long g1, long g2, long l0, long l1, long l2) {
    sizes.set(JAVA_LONG, 0, g0);
    sizes.set(JAVA_LONG, 8, g1);
    sizes.set(JAVA_LONG, 16, g2);
    sizes.set(JAVA_LONG, 24, l0);
    sizes.set(JAVA_LONG, 32, l1);
    sizes.set(JAVA_LONG, 40, l2);
    enqueue(3, true);
  }

  private void enqueue(int dims, boolean withLocal) {
    MemorySegment k = prepare();
    MemorySegment groups = withLocal ? local : MemorySegment.NULL;
    int status;
    try {
      status =
          (int)
              cl.enqueueNdRangeKernel.invokeExact(
                  queue,
                  k,
                  dims,
                  MemorySegment.NULL,
                  sizes,
                  groups,
                  0,
                  MemorySegment.NULL,
                  MemorySegment.NULL);
    } catch (Throwable t) {
      throw new BackendException("opencl: enqueueing kernel " + kernel.name + " failed: " + t, t);
    }
    enqueues++;
    if (status != Cl.CL_SUCCESS) { // the message is built only on failure
      Cl.check(status, "clEnqueueNDRangeKernel of " + kernel.name);
    }
  }

  /** A {@code cl_kernel} of the kernel holding the collected arguments. */
  private MemorySegment prepare() {
    start[args] = n;
    int hash = hash();
    ClKernel.Slot s = kernel.find(words, n, hash);
    if (s != null) {
      return s.kernel;
    }
    s = kernel.take();
    long[] held = ClKernel.held(s); // compared before holds() overwrites the same array
    kernel.forget(s);
    for (int a = 0; a < args; a++) {
      int from = start[a];
      int to = start[a + 1];
      if (held == null || held.length != n || !Arrays.equals(held, from, to, words, from, to)) {
        set(s.kernel, a, from);
      }
    }
    kernel.holds(s, words, n, hash);
    return s.kernel;
  }

  private int hash() {
    long h = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < n; i++) {
      h = (h ^ words[i]) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return (int) (h ^ (h >>> 32));
  }

  private void set(MemorySegment k, int a, int from) {
    long size;
    switch (kind[a]) {
      case I32 -> {
        value.set(JAVA_INT, 0, (int) words[from]);
        size = 4;
      }
      case F32 -> {
        value.set(JAVA_FLOAT, 0, Float.intBitsToFloat((int) words[from]));
        size = 4;
      }
      case I64, F64 -> {
        value.set(JAVA_LONG, 0, words[from]);
        size = 8;
      }
      case INT8 -> {
        for (int i = 0; i < 8; i++) {
          value.setAtIndex(JAVA_INT, i, (int) words[from + i]);
        }
        size = 32;
      }
      case LONG8 -> {
        for (int i = 0; i < 8; i++) {
          value.setAtIndex(JAVA_LONG, i, words[from + i]);
        }
        size = 64;
      }
      default -> { // a cl_mem handle (64-bit platforms only, as the bindings)
        value.set(JAVA_LONG, 0, words[from]);
        size = 8;
      }
    }
    int status;
    try {
      status = (int) cl.setKernelArg.invokeExact(k, a, size, value);
    } catch (Throwable t) {
      throw new BackendException("opencl: clSetKernelArg of " + kernel.name + " failed: " + t, t);
    }
    setCalls++;
    if (status != Cl.CL_SUCCESS) { // the message is built only on failure
      Cl.check(status, "clSetKernelArg " + a + " of kernel " + kernel.name);
    }
  }

  /** {@code clSetKernelArg} calls so far (for tests). */
  long setCalls() {
    return setCalls;
  }

  /** {@code clEnqueueNDRangeKernel} calls so far (for tests). */
  long enqueues() {
    return enqueues;
  }

  /** Ends the launch and releases the launch lock. */
  @Override
  public void close() {
    kernel = null;
    unlock.run();
  }
}

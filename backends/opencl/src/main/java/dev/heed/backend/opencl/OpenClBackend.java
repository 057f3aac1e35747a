package dev.heed.backend.opencl;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every kernel of {@link Backend} as OpenCL C on one device: buffers are {@code cl_mem} objects in
 * device memory, and data crosses to the host only in {@link #upload} and {@link #download}
 * (blocking transfers). Kernels are queued in order on one command queue and run asynchronously;
 * {@link #download} and {@link #synchronize} wait for them.
 *
 * <p>Kernels trust their arguments: core checks them before dispatch. Values follow the reference
 * definitions ({@link UnaryOp#apply}, {@link BinaryOp#apply}, {@link Distribution#sample}) computed
 * in the buffers' type with the device's built-in functions, so FLOAT32 results agree to within a
 * few units in the last place. FLOAT64 is offered only where the device reports {@code
 * cl_khr_fp64}.
 *
 * <p>Strided views are walked by kernels that take the simplified shape and strides ({@link
 * Views}), with a dense fast path for contiguous operands. {@code matmul} runs a tiled kernel with
 * local memory, or CLBlast's GEMM when the provider's {@code matmul} option asks for it (falling
 * back to the tiled kernel, with a warning, if CLBlast reports an error); both honour the leading
 * dimensions. {@code gather} never reads its indices; {@code scatterAdd} plans its deterministic
 * accumulation on the device (see {@link #scatterAdd}). {@link FusedElementwise} compiles each
 * program once ({@link ClFused}); {@link FusedAttention} is flash-style ({@link ClAttention});
 * {@link FusedLayerNorm} reduces rows in work-groups, without atomics ({@link ClLayerNorm}).
 * Thread-safe: launches are serialised by a lock.
 */
public final class OpenClBackend implements Backend {
  static final String NAME = "opencl";
  private static final Cleaner CLEANER = Cleaner.create();

  /** Numbers of {@code cl_mem} objects ({@link ClMem}). */
  private static final AtomicLong MEM_IDS = new AtomicLong();

  /**
   * Rows longer than this may be reduced by a work-group each; shorter ones are reduced by one work
   * item each, which wastes no idle items on short rows (say softmax over 10 classes).
   */
  static final int ROW_GROUP_MIN = 64;

  /**
   * Up to this many outputs, a long axis is reduced by a work-group per output even when its
   * elements are not adjacent: one work item per output would leave most of the device idle.
   */
  static final int ROW_GROUP_MAX_OUTPUTS = 1024;

  private static final System.Logger LOG = System.getLogger(OpenClBackend.class.getName());

  private final Cl cl;
  private final ClDevices.Device device;
  private final MemorySegment context;
  private final MemorySegment queue;
  private final ClProgram program;
  private final ClBlast blas; // null: the built-in tiled kernel
  private volatile boolean blasFailed;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLong liveBuffers = new AtomicLong();
  private final AtomicLong liveBytes = new AtomicLong();
  private final ClPool pool;
  private final ClFused fused;
  private final ClAttention attention;
  private final ClLayerNorm layerNorm;
  private final AtomicLong downloads = new AtomicLong();
  private final ClKernel.Limit kernelObjects;
  private final Launch launch;
  private final Views.Memo views = new Views.Memo();
  // host memory the transfers and fills pass through, under the launch lock; grown on demand
  private MemorySegment staging;
  private final MemorySegment pattern;
  private boolean closed;

  /**
   * {@code cl_kernel} objects kept with their arguments set, over all kernels ({@link ClKernel});
   * each holds a few kilobytes of host memory in the driver.
   */
  static final int KERNEL_OBJECTS = 4096;

  OpenClBackend(Cl cl, ClDevices.Device device, ClBlast blas) {
    // released buffers are kept for reuse up to a quarter of the device's memory
    this(cl, device, blas, KERNEL_OBJECTS, device.globalMemory() / 4);
  }

  /**
   * As above, keeping at most {@code kernelObjects} kernel objects beyond one per kernel and at
   * most {@code poolBytes} of released buffers (tests use small bounds).
   */
  OpenClBackend(Cl cl, ClDevices.Device device, ClBlast blas, int kernelObjects, long poolBytes) {
    this.cl = cl;
    this.kernelObjects = new ClKernel.Limit(kernelObjects);
    Arena host = Arena.ofAuto();
    this.staging = host.allocate(4096, 8);
    this.pattern = host.allocate(8, 8);
    this.device = device;
    this.blas = blas;
    this.pool = new ClPool(poolBytes);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment err = arena.allocate(JAVA_INT);
      MemorySegment props = arena.allocate(JAVA_LONG, 3);
      props.setAtIndex(JAVA_LONG, 0, 0x1084); // CL_CONTEXT_PLATFORM
      props.setAtIndex(JAVA_LONG, 1, device.platform().address());
      props.setAtIndex(JAVA_LONG, 2, 0);
      MemorySegment devices = arena.allocate(ADDRESS);
      devices.set(ADDRESS, 0, device.id());
      context =
          Cl.callHandle(
              cl.createContext,
              "clCreateContext",
              props,
              1,
              devices,
              MemorySegment.NULL,
              MemorySegment.NULL,
              err);
      Cl.check(err.get(JAVA_INT, 0), "clCreateContext on " + device.describe());
      queue =
          Cl.callHandle(
              cl.createCommandQueue, "clCreateCommandQueue", context, device.id(), 0L, err);
      if (err.get(JAVA_INT, 0) != Cl.CL_SUCCESS) {
        Cl.call(cl.releaseContext, "clReleaseContext", context);
        Cl.check(err.get(JAVA_INT, 0), "clCreateCommandQueue on " + device.describe());
      }
    }
    try {
      program = new ClProgram(cl, context, device, this.kernelObjects);
    } catch (RuntimeException e) {
      Cl.call(cl.releaseCommandQueue, "clReleaseCommandQueue", queue);
      Cl.call(cl.releaseContext, "clReleaseContext", context);
      throw e;
    }
    launch = new Launch(cl, queue, lock::unlock);
    fused = new ClFused(this);
    attention = new ClAttention(this);
    layerNorm = new ClLayerNorm(this);
    LOG.log(System.Logger.Level.DEBUG, "opened opencl backend on {0}", device.describe());
  }

  Cleaner cleaner() {
    return CLEANER;
  }

  /** Number of buffers allocated and not yet released. */
  long liveBuffers() {
    return liveBuffers.get();
  }

  /** Bytes of device memory held by live buffers. */
  long liveBytes() {
    return liveBytes.get();
  }

  /** The {@code cl_context}. */
  MemorySegment context() {
    return context;
  }

  /** The device this backend runs on. */
  ClDevices.Device device() {
    return device;
  }

  /** The {@code cl} bindings. */
  Cl cl() {
    return cl;
  }

  /** The shared bound on cached kernel objects, for the programs of the capabilities. */
  ClKernel.Limit kernelLimit() {
    return kernelObjects;
  }

  /** Kernel objects cached by all programs (for tests). */
  int kernelObjects() {
    return kernelObjects.objects.get();
  }

  /** {@code clSetKernelArg} and {@code clEnqueueNDRangeKernel} calls so far (for tests). */
  long[] launchCounts() {
    lock.lock();
    try {
      return new long[] {launch.setCalls(), launch.enqueues()};
    } finally {
      lock.unlock();
    }
  }

  /** Number of {@link #download} calls so far (device-to-host reads), for tests. */
  long downloads() {
    return downloads.get();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String deviceDescription() {
    return "OpenCL "
        + device.describe()
        + ", driver "
        + device.driver()
        + (blas != null ? ", matmul by CLBlast" : ", built-in tiled matmul");
  }

  @Override
  public boolean supports(DType dtype) {
    // no kernel here reads the 16-bit storage types (weights resident in BFLOAT16 or FLOAT16)
    return dtype != null && !dtype.isStorageOnly() && (dtype != DType.FLOAT64 || device.fp64());
  }

  // ------------------------------------------------------------------ buffers and transfers

  @Override
  public Buffer allocate(DType dtype, long size) {
    return allocate(dtype, size, true);
  }

  /**
   * As {@link #allocate}, without filling zeros: the buffer may be one released earlier, holding
   * its old contents, for an output that the next kernel writes in full.
   */
  @Override
  public Buffer allocateForOverwrite(DType dtype, long size) {
    return allocate(dtype, size, false);
  }

  private ClBuffer allocate(DType dtype, long size, boolean zero) {
    long bytes = size * dtype.byteSize();
    if (size > Long.MAX_VALUE / 8 || bytes > device.maxAlloc()) {
      throw new BackendException(
          "opencl allocate: "
              + size
              + " elements of "
              + dtype
              + " exceed the largest allocation of "
              + device.describe()
              + " ("
              + device.maxAlloc()
              + " bytes)");
    }
    ClMem mem = ClMem.EMPTY;
    if (size > 0) {
      mem = pool.take(bytes);
      if (mem == null) {
        mem = new ClMem(createBuffer(bytes, true), MEM_IDS.incrementAndGet());
      }
    }
    liveBuffers.incrementAndGet();
    liveBytes.addAndGet(bytes);
    ClBuffer b = new ClBuffer(this, dtype, size, mem, release(cl, pool, mem, bytes));
    if (size > 0 && zero) {
      fillBytes(b, 0, bytes, 0, 4);
    }
    return b;
  }

  /**
   * A new {@code cl_mem} of {@code bytes}; when the driver refuses and {@code retry}, the pool's
   * buffers are released and the creation tried once more.
   */
  private MemorySegment createBuffer(long bytes, boolean retry) {
    int status;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment err = arena.allocate(JAVA_INT);
      MemorySegment mem =
          Cl.callHandle(
              cl.createBuffer,
              "clCreateBuffer",
              context,
              Cl.CL_MEM_READ_WRITE,
              bytes,
              MemorySegment.NULL,
              err);
      status = err.get(JAVA_INT, 0);
      if (status == Cl.CL_SUCCESS) {
        return mem;
      }
    }
    if (retry && pool.bytes() > 0) {
      for (ClMem m : pool.drain()) {
        releaseMem(cl, m.handle());
      }
      return createBuffer(bytes, false);
    }
    throw new BackendException(
        "opencl allocate: clCreateBuffer of "
            + bytes
            + " bytes failed with "
            + Cl.errorName(status)
            + " ("
            + liveBytes.get()
            + " bytes in "
            + liveBuffers.get()
            + " live buffers on "
            + device.name()
            + "); release buffers or use smaller batches");
  }

  /** Bytes of released buffers held for reuse. */
  long pooledBytes() {
    return pool.bytes();
  }

  /**
   * The release action of a buffer: back to the pool, or to the driver when the pool is full or
   * closed. It must not refer to the buffer (Cleaner rule).
   */
  private Runnable release(Cl lib, ClPool to, ClMem mem, long bytes) {
    AtomicLong buffers = liveBuffers;
    AtomicLong held = liveBytes;
    return () -> {
      buffers.decrementAndGet();
      held.addAndGet(-bytes);
      if (mem.id() != 0 && !to.give(mem, bytes)) {
        releaseMem(lib, mem.handle());
      }
    };
  }

  private static void releaseMem(Cl lib, MemorySegment mem) {
    try {
      int s = Cl.call(lib.releaseMemObject, "clReleaseMemObject", mem);
      if (s != Cl.CL_SUCCESS) {
        LOG.log(System.Logger.Level.WARNING, "clReleaseMemObject: " + Cl.errorName(s));
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "clReleaseMemObject failed", e);
    }
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    ClBuffer d = (ClBuffer) dst;
    if (count == 0) {
      return; // core issues no empty transfer; a direct call is a no-op, as OpenCL requires
    }
    long bytes = count * d.dtype().byteSize();
    if (host.isNative()) {
      transfer(cl.enqueueWriteBuffer, "clEnqueueWriteBuffer", d, dstOffset, bytes, host, false);
    } else {
      // staged through the backend's host buffer, under the lock (the write is blocking)
      transfer(cl.enqueueWriteBuffer, "clEnqueueWriteBuffer", d, dstOffset, bytes, host, true);
    }
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    ClBuffer s = (ClBuffer) src;
    downloads.incrementAndGet();
    if (count == 0) {
      return;
    }
    long bytes = count * s.dtype().byteSize();
    transfer(
        cl.enqueueReadBuffer, "clEnqueueReadBuffer", s, srcOffset, bytes, host, !host.isNative());
  }

  /** Largest transfer staged through the kept host buffer; larger ones get memory of their own. */
  private static final long STAGING_MAX = 1 << 20;

  /**
   * The staging buffer, at least {@code bytes} long (at most {@link #STAGING_MAX}); under the
   * launch lock.
   */
  private MemorySegment stage(long bytes) {
    if (staging.byteSize() < bytes) {
      staging =
          Arena.ofAuto()
              .allocate(Math.min(STAGING_MAX, Math.max(bytes, 2 * staging.byteSize())), 8);
    }
    return staging;
  }

  /**
   * A blocking transfer between buffer {@code b} and {@code host} (at least {@code bytes} long);
   * when {@code staged}, through host memory (heap memory cannot be handed to the driver), the kept
   * staging buffer up to {@link #STAGING_MAX} bytes: filled from {@code host} before a write,
   * copied to it after a read.
   */
  private void transfer(
      java.lang.invoke.MethodHandle h,
      String what,
      ClBuffer b,
      long offset,
      long bytes,
      MemorySegment host,
      boolean staged) {
    boolean write = h == cl.enqueueWriteBuffer;
    Arena own = staged && bytes > STAGING_MAX ? Arena.ofConfined() : null;
    lock.lock();
    try {
      if (host.byteSize() < bytes) {
        throw new IndexOutOfBoundsException(
            what + ": host memory of " + host.byteSize() + " bytes, " + bytes + " needed");
      }
      MemorySegment via = host;
      if (staged) {
        via = own != null ? own.allocate(bytes, 8) : stage(bytes);
        if (write) {
          MemorySegment.copy(host, 0, via, 0, bytes);
        }
      }
      int status =
          (int)
              h.invokeExact(
                  queue,
                  b.mem(),
                  1,
                  offset * b.dtype().byteSize(),
                  bytes,
                  via,
                  0,
                  MemorySegment.NULL,
                  MemorySegment.NULL);
      if (status != Cl.CL_SUCCESS) { // the message is built only on failure
        Cl.check(status, what + " of " + bytes + " bytes");
      }
      if (staged && !write) {
        MemorySegment.copy(via, 0, host, 0, bytes);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new BackendException("opencl: " + what + " failed: " + t, t);
    } finally {
      lock.unlock();
      if (own != null) {
        own.close();
      }
    }
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    ClBuffer d = (ClBuffer) dst;
    if (count == 0) {
      return;
    }
    int size = d.dtype().byteSize();
    long bits =
        switch (d.dtype()) {
          case FLOAT32 -> Float.floatToRawIntBits((float) value);
          case FLOAT64 -> Double.doubleToRawLongBits(value);
          case INT32 -> (int) value;
          case BFLOAT16, FLOAT16 -> d.dtype().narrow((float) value);
        };
    fillBytes(d, offset * size, count * size, bits, size);
  }

  /**
   * Fills {@code bytes} from {@code offsetBytes} with the pattern of the low {@code size} bytes of
   * {@code bits} (little-endian, as every OpenCL device this backend runs on).
   */
  private void fillBytes(ClBuffer d, long offsetBytes, long bytes, long bits, int size) {
    lock.lock();
    try {
      pattern.set(JAVA_LONG, 0, bits);
      int status;
      try {
        status =
            (int)
                cl.enqueueFillBuffer.invokeExact(
                    queue,
                    d.mem(),
                    pattern,
                    (long) size,
                    offsetBytes,
                    bytes,
                    0,
                    MemorySegment.NULL,
                    MemorySegment.NULL);
      } catch (Throwable t) {
        throw new BackendException("opencl: clEnqueueFillBuffer failed: " + t, t);
      }
      if (status != Cl.CL_SUCCESS) { // the message is built only on failure
        Cl.check(status, "clEnqueueFillBuffer of " + bytes + " bytes");
      }
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ launching

  /**
   * Starts a launch of {@code kernel}: takes the launch lock, which the launch's {@link
   * Launch#close()} releases (use it in a try-with-resources statement).
   */
  Launch begin(ClKernel kernel) {
    lock.lock();
    try {
      return launch.start(kernel);
    } catch (RuntimeException e) {
      lock.unlock();
      throw e;
    }
  }

  /** The kernel {@code prefix} + suffix of {@code t} of the backend's program. */
  private ClKernel kernel(String prefix, DType t) {
    return program.kernel(prefix, t);
  }

  // ------------------------------------------------------------------ copy

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    copyViews((ClBuffer) src, srcLayout, (ClBuffer) dst, dstLayout);
  }

  private void copyViews(ClBuffer s, Layout sl, ClBuffer d, Layout dl) {
    Views v = views.of(sl, dl);
    if (v.isEmpty()) {
      return;
    }
    if (s.dtype() == d.dtype() && v.dense() && s != d) {
      int size = s.dtype().byteSize();
      long bytes = v.count() * size;
      lock.lock();
      try {
        int status;
        try {
          status =
              (int)
                  cl.enqueueCopyBuffer.invokeExact(
                      queue,
                      s.mem(),
                      d.mem(),
                      v.offsets()[0] * size,
                      v.offsets()[1] * size,
                      bytes,
                      0,
                      MemorySegment.NULL,
                      MemorySegment.NULL);
        } catch (Throwable t) {
          throw new BackendException("opencl: clEnqueueCopyBuffer failed: " + t, t);
        }
        if (status != Cl.CL_SUCCESS) { // the message is built only on failure
          Cl.check(status, "clEnqueueCopyBuffer of " + bytes + " bytes");
        }
      } finally {
        lock.unlock();
      }
      return;
    }
    ClKernel k = program.copyKernel(s.dtype(), d.dtype());
    if (v.rank() <= Views.MAX_RANK) {
      copyChunk(k, s, d, v);
    } else {
      v.chunks(c -> copyChunk(k, s, d, c));
    }
  }

  private void copyChunk(ClKernel k, ClBuffer s, ClBuffer d, Views c) {
    try (Launch l = begin(k)) {
      l.i32(c.rank()).shape8(c);
      l.mem(s).strides8(c, 0).i64(c.offsets()[0]);
      l.mem(d).strides8(c, 1).i64(c.offsets()[1]);
      l.i64(c.count()).run(c.count());
    }
  }

  // ------------------------------------------------------------------ elementwise

  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    ClBuffer bx = (ClBuffer) x;
    ClBuffer by = (ClBuffer) y;
    Views v = views.of(xLayout, yLayout);
    if (v.isEmpty()) {
      return; // core issues no empty kernel; a direct call is a no-op, as OpenCL requires
    }
    boolean wide = bx.dtype() == DType.FLOAT64;
    if (v.dense()) {
      long n = v.count();
      try (Launch l = begin(kernel("unary_", bx.dtype()))) {
        l.i32(op.ordinal()).real(wide, a).real(wide, b);
        l.mem(bx).i64(v.offsets()[0]).mem(by).i64(v.offsets()[1]).i64(n).run(n);
      }
      return;
    }
    ClKernel k = kernel("unary_strided_", bx.dtype());
    if (v.rank() <= Views.MAX_RANK) {
      unaryChunk(k, op, wide, a, b, bx, by, v);
    } else {
      v.chunks(c -> unaryChunk(k, op, wide, a, b, bx, by, c));
    }
  }

  private void unaryChunk(
      ClKernel k, UnaryOp op, boolean wide, double a, double b, ClBuffer bx, ClBuffer by, Views c) {
    try (Launch l = begin(k)) {
      l.i32(op.ordinal()).real(wide, a).real(wide, b).i32(c.rank()).shape8(c);
      l.mem(bx).strides8(c, 0).i64(c.offsets()[0]);
      l.mem(by).strides8(c, 1).i64(c.offsets()[1]);
      l.i64(c.count()).run(c.count());
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
    ClBuffer ba = (ClBuffer) a;
    ClBuffer bb = (ClBuffer) b;
    ClBuffer bo = (ClBuffer) out;
    Views v = views.of(aLayout, bLayout, outLayout);
    if (v.isEmpty()) {
      return;
    }
    if (v.dense()) {
      long n = v.count();
      try (Launch l = begin(kernel("binary_dense_", ba.dtype()))) {
        l.i32(op.ordinal()).mem(ba).i64(v.offsets()[0]).mem(bb).i64(v.offsets()[1]);
        l.mem(bo).i64(v.offsets()[2]).i64(n).run(n);
      }
      return;
    }
    ClKernel k = kernel("binary_", ba.dtype());
    if (v.rank() <= Views.MAX_RANK) {
      binaryChunk(k, op, ba, bb, bo, v);
    } else {
      v.chunks(c -> binaryChunk(k, op, ba, bb, bo, c));
    }
  }

  private void binaryChunk(
      ClKernel k, BinaryOp op, ClBuffer ba, ClBuffer bb, ClBuffer bo, Views c) {
    try (Launch l = begin(k)) {
      l.i32(op.ordinal()).i32(c.rank()).shape8(c);
      l.mem(ba).strides8(c, 0).i64(c.offsets()[0]);
      l.mem(bb).strides8(c, 1).i64(c.offsets()[1]);
      l.mem(bo).strides8(c, 2).i64(c.offsets()[2]);
      l.i64(c.count()).run(c.count());
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
    ClBuffer bc = (ClBuffer) cond;
    ClBuffer ba = (ClBuffer) a;
    ClBuffer bb = (ClBuffer) b;
    ClBuffer bo = (ClBuffer) out;
    Views v = views.of(condLayout, aLayout, bLayout, outLayout);
    if (v.isEmpty()) {
      return;
    }
    ClKernel k = kernel("where_", ba.dtype());
    if (v.rank() <= Views.MAX_RANK) {
      whereChunk(k, bc, ba, bb, bo, v);
    } else {
      v.chunks(c -> whereChunk(k, bc, ba, bb, bo, c));
    }
  }

  private void whereChunk(ClKernel k, ClBuffer bc, ClBuffer ba, ClBuffer bb, ClBuffer bo, Views c) {
    try (Launch l = begin(k)) {
      l.i32(c.rank()).shape8(c);
      l.mem(bc).strides8(c, 0).i64(c.offsets()[0]);
      l.mem(ba).strides8(c, 1).i64(c.offsets()[1]);
      l.mem(bb).strides8(c, 2).i64(c.offsets()[2]);
      l.mem(bo).strides8(c, 3).i64(c.offsets()[3]);
      l.i64(c.count()).run(c.count());
    }
  }

  // ------------------------------------------------------------------ reductions and softmax

  /**
   * Whether the rank-3 view {@code [outer, axis, inner]} is reduced by a work-group per output
   * (rather than one work item per output): when the axis is long and either consecutive elements
   * along it are adjacent in memory or there are too few outputs to keep the device busy with one
   * item each.
   */
  private static boolean byRows(Layout x) {
    long outputs = (long) x.dim(0) * x.dim(2);
    return x.dim(1) > ROW_GROUP_MIN && (x.stride(1) == 1 || outputs <= ROW_GROUP_MAX_OUTPUTS);
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    ClBuffer bx = (ClBuffer) x;
    ClBuffer bo = (ClBuffer) out;
    int outer = xLayout.dim(0);
    int axis = xLayout.dim(1);
    int inner = xLayout.dim(2);
    long no = (long) outer * inner;
    if (byRows(xLayout)) {
      long group = program.rowGroup;
      try (Launch l = begin(kernel("reduce_rows_", bx.dtype()))) {
        l.i32(op.ordinal()).mem(bx);
        strides(l, xLayout).i32(axis).i32(inner).mem(bo).mem(bo);
        l.run(no * group, group);
      }
    } else {
      try (Launch l = begin(kernel("reduce_cols_", bx.dtype()))) {
        l.i32(op.ordinal()).mem(bx);
        strides(l, xLayout).i32(outer).i32(axis).i32(inner).mem(bo).mem(bo);
        l.run(no);
      }
    }
  }

  /** The offset and the three strides of a rank-3 view, as the reduction kernels take them. */
  private static Launch strides(Launch l, Layout x) {
    return l.i64(x.offset()).i64(x.stride(0)).i64(x.stride(1)).i64(x.stride(2));
  }

  @Override
  public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
    ClBuffer bx = (ClBuffer) x;
    ClBuffer by = (ClBuffer) y;
    int lg = log ? 1 : 0;
    int outer = xLayout.dim(0);
    int axis = xLayout.dim(1);
    int inner = xLayout.dim(2);
    long rows = (long) outer * inner;
    if (byRows(xLayout)) {
      long group = program.rowGroup;
      try (Launch l = begin(kernel("softmax_rows_", bx.dtype()))) {
        strides(l.mem(bx), xLayout).i32(axis).i32(inner).i32(lg).mem(by);
        l.run(rows * group, group);
      }
    } else {
      try (Launch l = begin(kernel("softmax_cols_", bx.dtype()))) {
        strides(l.mem(bx), xLayout).i32(outer).i32(axis).i32(inner).i32(lg).mem(by);
        l.run(rows);
      }
    }
  }

  // ------------------------------------------------------------------ matmul

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    if (b.dtype().isStorageOnly()) {
      throw new BackendException(
          "opencl: matmul with a "
              + b.dtype()
              + " B (weights resident in 16 bits) is not supported; widen the weights to FLOAT32"
              + " or use the simd or cpu backend");
    }
    ClBuffer ba = (ClBuffer) a;
    ClBuffer bb = (ClBuffer) b;
    ClBuffer bc = (ClBuffer) c;
    boolean wide = ba.dtype() == DType.FLOAT64;
    if (blas != null && !blasFailed && ClBlast.handles(spec)) {
      int status;
      lock.lock();
      try {
        status = blas.gemm(wide, spec, ba.mem(), bb.mem(), bc.mem(), queue);
      } finally {
        lock.unlock();
      }
      if (status == 0) {
        return;
      }
      blasFailed = true; // once: say so, and keep to the built-in kernel from now on
      LOG.log(
          System.Logger.Level.WARNING,
          "CLBlast gemm failed with status {0} on {1}; using the built-in matmul kernel",
          status,
          device.name());
    }
    int local = program.matmulLocal;
    int tile = local * program.matmulWork;
    long gx = (long) ((spec.n() + tile - 1) / tile) * local;
    long gy = (long) ((spec.m() + tile - 1) / tile) * local;
    try (Launch l = begin(kernel("matmul_", ba.dtype()))) {
      l.i32(spec.m()).i32(spec.n()).i32(spec.k());
      l.i32(spec.transA() ? 1 : 0).i32(spec.transB() ? 1 : 0);
      l.mem(ba).i64(spec.aOffset()).i64(spec.aBatchStride()).i32(spec.lda());
      l.mem(bb).i64(spec.bOffset()).i64(spec.bBatchStride()).i32(spec.ldb());
      l.mem(bc).i64(spec.cOffset()).i64(spec.cBatchStride());
      l.real(wide, spec.alpha()).real(wide, spec.beta());
      l.run(gx, gy, spec.batch(), local, local, 1);
    }
  }

  // ------------------------------------------------------------------ gather and scatter

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    ClBuffer bs = (ClBuffer) src;
    ClBuffer bi = (ClBuffer) indices;
    ClBuffer bo = (ClBuffer) out;
    long no = (long) outer * count * inner;
    try (Launch l = begin(kernel("gather_", bs.dtype()))) {
      l.mem(bs).i32(axis).i32(inner).mem(bi).i32(count).mem(bo).i64(no).run(no);
    }
  }

  /**
   * Deterministic without reading the indices to the host: three small kernels sort the positions
   * by index on the device with a stable counting sort (counts per index, their prefix sums, then
   * one work-group that places the positions block by block, in order), and one work item per
   * (outer, run of one index, inner) adds its run's source rows in that order, as the sequential
   * definition does. The placement costs a work-group's width of comparisons per position, whatever
   * the indices repeat.
   */
  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    ClBuffer bs = (ClBuffer) src;
    ClBuffer bi = (ClBuffer) indices;
    ClBuffer bo = (ClBuffer) out;
    long items = (long) outer * count * inner;
    long group = program.rowGroup;
    // the plan's buffers go back to the pool at once: a kernel that reuses one runs after these
    // on the in-order queue
    try (ClBuffer counts = allocate(DType.INT32, axis, false);
        ClBuffer starts = allocate(DType.INT32, axis + 1L, false);
        ClBuffer order = allocate(DType.INT32, count, false)) {
      fillBytes(counts, 0, 4L * axis, 0, 4);
      try (Launch l = begin(program.kernel("scatter_count"))) {
        l.mem(bi).i32(count).mem(counts).run(count);
      }
      try (Launch l = begin(program.kernel("scatter_scan"))) {
        l.mem(counts).i32(axis).mem(starts).run(group, group);
      }
      try (Launch l = begin(program.kernel("scatter_order"))) {
        l.mem(bi).i32(count).mem(counts).mem(order).run(group, group);
      }
      try (Launch l = begin(kernel("scatter_add_", bs.dtype()))) {
        l.mem(bs).i32(count).i32(inner).mem(bi).mem(order).i32(axis).mem(bo).i64(items);
        l.run(items);
      }
    }
  }

  // ------------------------------------------------------------------ random

  @Override
  public void random(
      Distribution distribution,
      double a,
      double b,
      long seed,
      long streamOffset,
      Buffer out,
      long count) {
    ClBuffer bo = (ClBuffer) out;
    // BERNOULLI: u < a exactly, with u = bits >>> 11 times 2^-53, is (bits >>> 11) < ceil(a·2^53)
    double t = Math.ceil(a * 0x1.0p53);
    long threshold = a != a || t <= 0 ? 0 : t >= 0x1.0p53 ? 1L << 53 : (long) t;
    boolean wide = device.fp64();
    try (Launch l = begin(kernel("random_", bo.dtype()))) {
      l.i32(distribution.ordinal()).real(wide, a).real(wide, b).i64(threshold);
      l.i64(seed).i64(streamOffset).mem(bo).i64(count).run(count);
    }
  }

  // ------------------------------------------------------------------ capabilities

  @Override
  public <T extends Capability> Optional<T> capability(Class<T> type) {
    if (type == FusedElementwise.class) {
      return Optional.of(type.cast(fused));
    }
    if (type == FusedAttention.class) {
      return Optional.of(type.cast(attention));
    }
    if (type == FusedLayerNorm.class) {
      return Optional.of(type.cast(layerNorm));
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void synchronize() {
    lock.lock();
    try {
      Cl.check(Cl.call(cl.finish, "clFinish", queue), "clFinish");
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    // the capabilities' programs first, outside the launch lock: a capability takes its own lock
    // before the launch lock, never after
    fused.release();
    attention.release();
    layerNorm.release();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Cl.call(cl.finish, "clFinish", queue);
      for (ClMem m : pool.close()) {
        releaseMem(cl, m.handle());
      }
      program.release();
      Cl.call(cl.releaseCommandQueue, "clReleaseCommandQueue", queue);
      Cl.call(cl.releaseContext, "clReleaseContext", context);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "opencl backend on " + device.name();
  }
}

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
 * program once ({@link ClFused}); {@link FusedAttention} is flash-style ({@link ClAttention}).
 * Thread-safe: launches are serialised by a lock.
 */
public final class OpenClBackend implements Backend {
  static final String NAME = "opencl";
  private static final Cleaner CLEANER = Cleaner.create();

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
  private final AtomicLong downloads = new AtomicLong();
  private boolean closed;

  OpenClBackend(Cl cl, ClDevices.Device device, ClBlast blas) {
    this.cl = cl;
    this.device = device;
    this.blas = blas;
    // released buffers are kept for reuse up to a quarter of the device's memory
    this.pool = new ClPool(device.globalMemory() / 4);
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
      program = new ClProgram(cl, context, device);
    } catch (RuntimeException e) {
      Cl.call(cl.releaseCommandQueue, "clReleaseCommandQueue", queue);
      Cl.call(cl.releaseContext, "clReleaseContext", context);
      throw e;
    }
    fused = new ClFused(this);
    attention = new ClAttention(this);
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
    MemorySegment mem = MemorySegment.NULL;
    if (size > 0) {
      mem = pool.take(bytes);
      if (mem == null) {
        mem = createBuffer(bytes, true);
      }
    }
    liveBuffers.incrementAndGet();
    liveBytes.addAndGet(bytes);
    ClBuffer b = new ClBuffer(this, dtype, size, mem, release(cl, pool, mem, bytes));
    if (size > 0 && zero) {
      fillBytes(b, 0, bytes, MemorySegment.ofArray(new int[] {0}));
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
      for (MemorySegment m : pool.drain()) {
        releaseMem(cl, m);
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
  private Runnable release(Cl lib, ClPool to, MemorySegment mem, long bytes) {
    AtomicLong buffers = liveBuffers;
    AtomicLong held = liveBytes;
    return () -> {
      buffers.decrementAndGet();
      held.addAndGet(-bytes);
      if (!mem.equals(MemorySegment.NULL) && !to.give(mem, bytes)) {
        releaseMem(lib, mem);
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
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment src = host.asSlice(0, bytes);
      if (!src.isNative()) {
        src = arena.allocate(bytes, 8).copyFrom(src);
      }
      transfer(cl.enqueueWriteBuffer, "clEnqueueWriteBuffer", d, dstOffset, bytes, src);
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
    MemorySegment dst = host.asSlice(0, bytes);
    if (dst.isNative()) {
      transfer(cl.enqueueReadBuffer, "clEnqueueReadBuffer", s, srcOffset, bytes, dst);
    } else {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment staged = arena.allocate(bytes, 8);
        transfer(cl.enqueueReadBuffer, "clEnqueueReadBuffer", s, srcOffset, bytes, staged);
        dst.copyFrom(staged);
      }
    }
  }

  private void transfer(
      java.lang.invoke.MethodHandle h,
      String what,
      ClBuffer b,
      long offset,
      long bytes,
      MemorySegment host) {
    lock.lock();
    try {
      int status =
          (int)
              h.invokeExact(
                  queue,
                  b.mem(),
                  1,
                  offset * b.dtype().byteSize(),
                  bytes,
                  host,
                  0,
                  MemorySegment.NULL,
                  MemorySegment.NULL);
      Cl.check(status, what + " of " + bytes + " bytes");
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new BackendException("opencl: " + what + " failed: " + t, t);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    ClBuffer d = (ClBuffer) dst;
    if (count == 0) {
      return;
    }
    MemorySegment pattern =
        switch (d.dtype()) {
          case FLOAT32 -> MemorySegment.ofArray(new float[] {(float) value});
          case FLOAT64 -> MemorySegment.ofArray(new double[] {value});
          case INT32 -> MemorySegment.ofArray(new int[] {(int) value});
          case BFLOAT16, FLOAT16 ->
              MemorySegment.ofArray(new short[] {d.dtype().narrow((float) value)});
        };
    int size = d.dtype().byteSize();
    fillBytes(d, offset * size, count * size, pattern);
  }

  private void fillBytes(ClBuffer d, long offsetBytes, long bytes, MemorySegment pattern) {
    lock.lock();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment p = arena.allocate(pattern.byteSize(), 8).copyFrom(pattern);
      int status =
          Cl.call(
              cl.enqueueFillBuffer,
              "clEnqueueFillBuffer",
              queue,
              d.mem(),
              p,
              p.byteSize(),
              offsetBytes,
              bytes,
              0,
              MemorySegment.NULL,
              MemorySegment.NULL);
      Cl.check(status, "clEnqueueFillBuffer of " + bytes + " bytes");
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ launching

  private static String suffix(DType t) {
    return switch (t) {
      case FLOAT32 -> "f32";
      case FLOAT64 -> "f64";
      case INT32 -> "i32";
      case BFLOAT16 -> "bf16";
      case FLOAT16 -> "f16";
    };
  }

  /** Runs {@code body} with the launch of kernel {@code name} under the launch lock. */
  private void launch(String name, java.util.function.Consumer<Launch> body) {
    launch(program, name, body);
  }

  /** Runs {@code body} with the launch of kernel {@code name} of {@code from}. */
  void launch(ClProgram from, String name, java.util.function.Consumer<Launch> body) {
    MemorySegment kernel = from.kernel(name);
    lock.lock();
    try (Launch l = new Launch(cl, queue, kernel, name)) {
      body.accept(l);
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ copy

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    copyViews((ClBuffer) src, srcLayout, (ClBuffer) dst, dstLayout);
  }

  private void copyViews(ClBuffer s, Layout sl, ClBuffer d, Layout dl) {
    Views v = Views.of(sl, dl);
    if (v.isEmpty()) {
      return;
    }
    if (s.dtype() == d.dtype() && v.dense() && s != d) {
      int size = s.dtype().byteSize();
      long bytes = v.count() * size;
      lock.lock();
      try {
        int status =
            Cl.call(
                cl.enqueueCopyBuffer,
                "clEnqueueCopyBuffer",
                queue,
                s.mem(),
                d.mem(),
                v.offsets()[0] * size,
                v.offsets()[1] * size,
                bytes,
                0,
                MemorySegment.NULL,
                MemorySegment.NULL);
        Cl.check(status, "clEnqueueCopyBuffer of " + bytes + " bytes");
      } finally {
        lock.unlock();
      }
      return;
    }
    String name = "copy_" + suffix(s.dtype()) + "_" + suffix(d.dtype());
    v.chunks(c ->
        launch(
            name,
            l -> {
              l.i32(c.rank()).int8(c.shape8());
              l.mem(s).long8(c.strides8(0)).i64(c.offsets()[0]);
              l.mem(d).long8(c.strides8(1)).i64(c.offsets()[1]);
              l.i64(c.count()).run(c.count());
            }));
  }

  // ------------------------------------------------------------------ elementwise

  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    ClBuffer bx = (ClBuffer) x;
    ClBuffer by = (ClBuffer) y;
    boolean wide = bx.dtype() == DType.FLOAT64;
    Views v = Views.of(xLayout, yLayout);
    if (v.isEmpty()) {
      return; // core issues no empty kernel; a direct call is a no-op, as OpenCL requires
    }
    String t = suffix(bx.dtype());
    if (v.dense()) {
      long n = v.count();
      launch(
          "unary_" + t,
          l -> {
            l.i32(op.ordinal()).real(wide, a).real(wide, b);
            l.mem(bx).i64(v.offsets()[0]).mem(by).i64(v.offsets()[1]).i64(n).run(n);
          });
      return;
    }
    v.chunks(c ->
        launch(
            "unary_strided_" + t,
            l -> {
              l.i32(op.ordinal()).real(wide, a).real(wide, b).i32(c.rank()).int8(c.shape8());
              l.mem(bx).long8(c.strides8(0)).i64(c.offsets()[0]);
              l.mem(by).long8(c.strides8(1)).i64(c.offsets()[1]);
              l.i64(c.count()).run(c.count());
            }));
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
    Views v = Views.of(aLayout, bLayout, outLayout);
    if (v.isEmpty()) {
      return;
    }
    String t = suffix(ba.dtype());
    if (v.dense()) {
      long n = v.count();
      launch(
          "binary_dense_" + t,
          l -> {
            l.i32(op.ordinal()).mem(ba).i64(v.offsets()[0]).mem(bb).i64(v.offsets()[1]);
            l.mem(bo).i64(v.offsets()[2]).i64(n).run(n);
          });
      return;
    }
    v.chunks(c ->
        launch(
            "binary_" + t,
            l -> {
              l.i32(op.ordinal()).i32(c.rank()).int8(c.shape8());
              l.mem(ba).long8(c.strides8(0)).i64(c.offsets()[0]);
              l.mem(bb).long8(c.strides8(1)).i64(c.offsets()[1]);
              l.mem(bo).long8(c.strides8(2)).i64(c.offsets()[2]);
              l.i64(c.count()).run(c.count());
            }));
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
    Views v = Views.of(condLayout, aLayout, bLayout, outLayout);
    if (v.isEmpty()) {
      return;
    }
    v.chunks(c ->
        launch(
            "where_" + suffix(ba.dtype()),
            l -> {
              l.i32(c.rank()).int8(c.shape8());
              l.mem(bc).long8(c.strides8(0)).i64(c.offsets()[0]);
              l.mem(ba).long8(c.strides8(1)).i64(c.offsets()[1]);
              l.mem(bb).long8(c.strides8(2)).i64(c.offsets()[2]);
              l.mem(bo).long8(c.strides8(3)).i64(c.offsets()[3]);
              l.i64(c.count()).run(c.count());
            }));
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
    String t = suffix(bx.dtype());
    int outer = xLayout.dim(0);
    int axis = xLayout.dim(1);
    int inner = xLayout.dim(2);
    long no = (long) outer * inner;
    if (byRows(xLayout)) {
      long group = program.rowGroup;
      launch(
          "reduce_rows_" + t,
          l -> {
            l.i32(op.ordinal()).mem(bx);
            strides(l, xLayout).i32(axis).i32(inner).mem(bo).mem(bo);
            l.run(new long[] {no * group}, new long[] {group});
          });
    } else {
      launch(
          "reduce_cols_" + t,
          l -> {
            l.i32(op.ordinal()).mem(bx);
            strides(l, xLayout).i32(outer).i32(axis).i32(inner).mem(bo).mem(bo);
            l.run(no);
          });
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
    String t = suffix(bx.dtype());
    int lg = log ? 1 : 0;
    int outer = xLayout.dim(0);
    int axis = xLayout.dim(1);
    int inner = xLayout.dim(2);
    long rows = (long) outer * inner;
    if (byRows(xLayout)) {
      long group = program.rowGroup;
      launch(
          "softmax_rows_" + t,
          l -> {
            strides(l.mem(bx), xLayout).i32(axis).i32(inner).i32(lg).mem(by);
            l.run(new long[] {rows * group}, new long[] {group});
          });
    } else {
      launch(
          "softmax_cols_" + t,
          l -> {
            strides(l.mem(bx), xLayout).i32(outer).i32(axis).i32(inner).i32(lg).mem(by);
            l.run(rows);
          });
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
    launch(
        "matmul_" + suffix(ba.dtype()),
        l -> {
          l.i32(spec.m()).i32(spec.n()).i32(spec.k());
          l.i32(spec.transA() ? 1 : 0).i32(spec.transB() ? 1 : 0);
          l.mem(ba).i64(spec.aOffset()).i64(spec.aBatchStride()).i32(spec.lda());
          l.mem(bb).i64(spec.bOffset()).i64(spec.bBatchStride()).i32(spec.ldb());
          l.mem(bc).i64(spec.cOffset()).i64(spec.cBatchStride());
          l.real(wide, spec.alpha()).real(wide, spec.beta());
          l.run(new long[] {gx, gy, spec.batch()}, new long[] {local, local, 1});
        });
  }

  // ------------------------------------------------------------------ gather and scatter

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    ClBuffer bs = (ClBuffer) src;
    ClBuffer bi = (ClBuffer) indices;
    ClBuffer bo = (ClBuffer) out;
    long no = (long) outer * count * inner;
    launch(
        "gather_" + suffix(bs.dtype()),
        l -> l.mem(bs).i32(axis).i32(inner).mem(bi).i32(count).mem(bo).i64(no).run(no));
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
      fillBytes(counts, 0, 4L * axis, MemorySegment.ofArray(new int[] {0}));
      launch("scatter_count", l -> l.mem(bi).i32(count).mem(counts).run(count));
      launch(
          "scatter_scan",
          l -> l.mem(counts).i32(axis).mem(starts).run(new long[] {group}, new long[] {group}));
      launch(
          "scatter_order",
          l ->
              l.mem(bi)
                  .i32(count)
                  .mem(counts)
                  .mem(order)
                  .run(new long[] {group}, new long[] {group}));
      launch(
          "scatter_add_" + suffix(bs.dtype()),
          l ->
              l.mem(bs)
                  .i32(count)
                  .i32(inner)
                  .mem(bi)
                  .mem(order)
                  .i32(axis)
                  .mem(bo)
                  .i64(items)
                  .run(items));
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
    launch(
        "random_" + suffix(bo.dtype()),
        l -> {
          l.i32(distribution.ordinal()).real(wide, a).real(wide, b).i64(threshold);
          l.i64(seed).i64(streamOffset).mem(bo).i64(count).run(count);
        });
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
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Cl.call(cl.finish, "clFinish", queue);
      for (MemorySegment m : pool.close()) {
        releaseMem(cl, m);
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

package dev.heed.core.backend.support;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.ConvProblem;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.FusedConv2d;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

/**
 * A base for backends that wrap another backend and run its kernels: to count, trace or time them,
 * to record them (the replay package's {@code ReplayBackend} is one), or to add a capability of
 * their own.
 *
 * <p><b>Buffers.</b> Core checks that every buffer passed to a kernel belongs to the backend the
 * kernel is issued to ({@link Buffer#backend()}), so a wrapper cannot hand out its delegate's
 * buffers. This base wraps each buffer the delegate allocates in one of its own, whose {@link
 * Buffer#backend()} is this backend, and unwraps the buffers of every kernel call before passing
 * them on (identity is kept: one delegate buffer has one wrapper, so in-place calls stay in place).
 * {@link #wrap} and {@link #unwrap} are there for subclasses that call the delegate themselves; a
 * subclass with buffers of its own type (one that defers their release, say) overrides both.
 *
 * <p><b>Kernels.</b> Every kernel method unwraps its buffers and forwards the call to the delegate
 * between {@link #beforeKernel} and {@link #afterKernel}, which a subclass overrides to observe
 * every call in one place (a counter, a trace, a timer that passes the start time from one to the
 * other as the token). A subclass that needs the arguments of one kernel overrides that kernel's
 * method and calls {@code super}. Allocation, {@link #synchronize()} and {@link #close()} are
 * forwarded as they are; {@link #close()} closes the delegate, which this backend owns.
 *
 * <p><b>Capabilities.</b> The delegate's {@link FusedElementwise}, {@link FusedLayerNorm}, {@link
 * FusedAttention}, {@link FusedConv2d}, {@link FusedMaxPool2d} and {@link FusedBatchNorm} are
 * passed through, each wrapped once here: every call of a wrapped capability becomes a {@link
 * FusedCall} value handed to {@link #fused}, which unwraps its buffers and runs it between the same
 * two hooks. A subclass that needs the arguments of capability calls overrides {@link #fused}
 * alone, for every capability type at once. A capability type this base does not know is
 * <em>not</em> passed through, since its methods may take buffers that would reach the delegate
 * still wrapped: core then uses the composite of primitive kernels, which gives the same results
 * within the contract tolerances. A subclass that knows such a type overrides {@link #capability}
 * and wraps it itself.
 *
 * <p>The name, device description and supported types are the delegate's unless a subclass
 * overrides them; a plugin normally gives its backend its own {@link #name()}. Core's argument
 * checks run before a kernel reaches this backend, so nothing here checks arguments.
 *
 * <pre>{@code
 * final class CountingBackend extends DelegatingBackend {
 *   final LongAdder calls = new LongAdder();
 *   CountingBackend(Backend delegate) { super(delegate); }
 *   public String name() { return "counting"; }
 *   protected long beforeKernel(Kernel kernel) { calls.increment(); return 0; }
 * }
 * }</pre>
 */
public abstract class DelegatingBackend implements Backend {

  /** The kernel calls that {@link #beforeKernel} and {@link #afterKernel} report. */
  public enum Kernel {
    /** {@link Backend#upload}. */
    UPLOAD,
    /** {@link Backend#download}. */
    DOWNLOAD,
    /** {@link Backend#fill}. */
    FILL,
    /** {@link Backend#copy}. */
    COPY,
    /** {@link Backend#unary}. */
    UNARY,
    /** {@link Backend#binary}. */
    BINARY,
    /** {@link Backend#where}. */
    WHERE,
    /** {@link Backend#reduce}. */
    REDUCE,
    /** {@link Backend#softmax}. */
    SOFTMAX,
    /** {@link Backend#matmul}. */
    MATMUL,
    /** {@link Backend#gather}. */
    GATHER,
    /** {@link Backend#scatterAdd}. */
    SCATTER_ADD,
    /** {@link Backend#random}. */
    RANDOM,
    /** {@link FusedElementwise#run}. */
    FUSED_ELEMENTWISE,
    /** {@link FusedLayerNorm#forward}. */
    LAYER_NORM_FORWARD,
    /** {@link FusedLayerNorm#backward}. */
    LAYER_NORM_BACKWARD,
    /** {@link FusedAttention#forward}. */
    ATTENTION_FORWARD,
    /** {@link FusedAttention#backward}. */
    ATTENTION_BACKWARD,
    /** {@link FusedConv2d#forward}. */
    CONV2D_FORWARD,
    /** {@link FusedConv2d#backward}. */
    CONV2D_BACKWARD,
    /** {@link FusedMaxPool2d#forward}. */
    MAX_POOL2D_FORWARD,
    /** {@link FusedMaxPool2d#backward}. */
    MAX_POOL2D_BACKWARD,
    /** {@link FusedBatchNorm#forward}. */
    BATCH_NORM_FORWARD,
    /** {@link FusedBatchNorm#backward}. */
    BATCH_NORM_BACKWARD
  }

  private final Backend delegate;
  // The wrapped capabilities, made on first request (a constructor may not hand out 'this'). A race
  // makes two equal wrappers, which is harmless: they hold nothing but final fields.
  private Optional<FusedElementwise> elementwise;
  private Optional<FusedLayerNorm> layerNorm;
  private Optional<FusedAttention> attention;
  private Optional<FusedConv2d> conv2d;
  private Optional<FusedMaxPool2d> maxPool2d;
  private Optional<FusedBatchNorm> batchNorm;

  /**
   * Wraps {@code delegate}, which this backend then owns (it closes it).
   *
   * @param delegate the backend that runs the kernels
   */
  protected DelegatingBackend(Backend delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The wrapped backend. */
  public final Backend delegate() {
    return delegate;
  }

  /**
   * Called before each kernel call reaches the delegate, on the calling thread. The default does
   * nothing and returns 0.
   *
   * @param kernel which kernel
   * @return a token handed to {@link #afterKernel} for the same call (a start time, for instance)
   */
  protected long beforeKernel(Kernel kernel) {
    return 0;
  }

  /**
   * Called after each kernel call has returned from the delegate (or thrown), on the calling
   * thread. Kernels may run asynchronously on a device, so a timer that wants the device time calls
   * {@link #synchronize()} first. The default does nothing.
   *
   * @param kernel which kernel
   * @param token what {@link #beforeKernel} returned for this call
   */
  protected void afterKernel(Kernel kernel, long token) {}

  /**
   * The buffer of this backend that stands for {@code inner}, a buffer the delegate allocated. Each
   * call makes a new wrapper, so call it once per delegate buffer (as {@link #allocate} does). A
   * subclass whose buffers are of a type of its own overrides this and {@link #unwrap} together.
   */
  protected Buffer wrap(Buffer inner) {
    return new Wrapped(this, Objects.requireNonNull(inner, "inner"));
  }

  /**
   * The delegate's buffer inside {@code buffer}, a buffer this backend allocated; null for null
   * (optional operands). Every kernel and capability call unwraps its buffers with this method.
   *
   * @throws IllegalArgumentException when {@code buffer} was not allocated by this backend
   */
  protected Buffer unwrap(Buffer buffer) {
    if (buffer == null) {
      return null;
    }
    if (buffer instanceof Wrapped w && w.owner == this) {
      return w.inner;
    }
    throw new IllegalArgumentException(
        name()
            + " backend: buffer ("
            + buffer.getClass().getName()
            + ") was not allocated by this backend; pass buffers of the backend that runs the"
            + " kernel");
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
    return wrap(delegate.allocate(dtype, size));
  }

  @Override
  public Buffer allocateForOverwrite(DType dtype, long size) {
    return wrap(delegate.allocateForOverwrite(dtype, size));
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    Buffer d = unwrap(dst);
    long token = beforeKernel(Kernel.UPLOAD);
    try {
      delegate.upload(host, d, dstOffset, count);
    } finally {
      afterKernel(Kernel.UPLOAD, token);
    }
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    Buffer s = unwrap(src);
    long token = beforeKernel(Kernel.DOWNLOAD);
    try {
      delegate.download(s, srcOffset, count, host);
    } finally {
      afterKernel(Kernel.DOWNLOAD, token);
    }
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    Buffer d = unwrap(dst);
    long token = beforeKernel(Kernel.FILL);
    try {
      delegate.fill(d, offset, count, value);
    } finally {
      afterKernel(Kernel.FILL, token);
    }
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    Buffer s = unwrap(src);
    Buffer d = unwrap(dst);
    long token = beforeKernel(Kernel.COPY);
    try {
      delegate.copy(s, srcLayout, d, dstLayout);
    } finally {
      afterKernel(Kernel.COPY, token);
    }
  }

  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    Buffer ix = unwrap(x);
    Buffer iy = unwrap(y);
    long token = beforeKernel(Kernel.UNARY);
    try {
      delegate.unary(op, a, b, ix, xLayout, iy, yLayout);
    } finally {
      afterKernel(Kernel.UNARY, token);
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
    Buffer ia = unwrap(a);
    Buffer ib = unwrap(b);
    Buffer io = unwrap(out);
    long token = beforeKernel(Kernel.BINARY);
    try {
      delegate.binary(op, ia, aLayout, ib, bLayout, io, outLayout);
    } finally {
      afterKernel(Kernel.BINARY, token);
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
    Buffer ic = unwrap(cond);
    Buffer ia = unwrap(a);
    Buffer ib = unwrap(b);
    Buffer io = unwrap(out);
    long token = beforeKernel(Kernel.WHERE);
    try {
      delegate.where(ic, condLayout, ia, aLayout, ib, bLayout, io, outLayout);
    } finally {
      afterKernel(Kernel.WHERE, token);
    }
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    Buffer ix = unwrap(x);
    Buffer io = unwrap(out);
    long token = beforeKernel(Kernel.REDUCE);
    try {
      delegate.reduce(op, ix, xLayout, io);
    } finally {
      afterKernel(Kernel.REDUCE, token);
    }
  }

  @Override
  public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
    Buffer ix = unwrap(x);
    Buffer iy = unwrap(y);
    long token = beforeKernel(Kernel.SOFTMAX);
    try {
      delegate.softmax(ix, xLayout, log, iy);
    } finally {
      afterKernel(Kernel.SOFTMAX, token);
    }
  }

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    Buffer ia = unwrap(a);
    Buffer ib = unwrap(b);
    Buffer ic = unwrap(c);
    long token = beforeKernel(Kernel.MATMUL);
    try {
      delegate.matmul(spec, ia, ib, ic);
    } finally {
      afterKernel(Kernel.MATMUL, token);
    }
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    Buffer is = unwrap(src);
    Buffer ii = unwrap(indices);
    Buffer io = unwrap(out);
    long token = beforeKernel(Kernel.GATHER);
    try {
      delegate.gather(is, outer, axis, inner, ii, count, io);
    } finally {
      afterKernel(Kernel.GATHER, token);
    }
  }

  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    Buffer is = unwrap(src);
    Buffer ii = unwrap(indices);
    Buffer io = unwrap(out);
    long token = beforeKernel(Kernel.SCATTER_ADD);
    try {
      delegate.scatterAdd(is, outer, count, inner, ii, axis, io);
    } finally {
      afterKernel(Kernel.SCATTER_ADD, token);
    }
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
    Buffer io = unwrap(out);
    long token = beforeKernel(Kernel.RANDOM);
    try {
      delegate.random(distribution, a, b, seed, streamOffset, io, count);
    } finally {
      afterKernel(Kernel.RANDOM, token);
    }
  }

  /**
   * The delegate's {@link FusedElementwise}, {@link FusedLayerNorm}, {@link FusedAttention}, {@link
   * FusedConv2d}, {@link FusedMaxPool2d} or {@link FusedBatchNorm}, wrapped; empty for any other
   * type, and when the delegate does not offer it.
   */
  @Override
  public <T extends Capability> Optional<T> capability(Class<T> type) {
    Optional<? extends Capability> c;
    if (type == FusedElementwise.class) {
      if (elementwise == null) {
        elementwise = delegate.capability(FusedElementwise.class).map(ElementwiseCapability::new);
      }
      c = elementwise;
    } else if (type == FusedLayerNorm.class) {
      if (layerNorm == null) {
        layerNorm = delegate.capability(FusedLayerNorm.class).map(LayerNormCapability::new);
      }
      c = layerNorm;
    } else if (type == FusedAttention.class) {
      if (attention == null) {
        attention = delegate.capability(FusedAttention.class).map(AttentionCapability::new);
      }
      c = attention;
    } else if (type == FusedConv2d.class) {
      if (conv2d == null) {
        conv2d = delegate.capability(FusedConv2d.class).map(Conv2dCapability::new);
      }
      c = conv2d;
    } else if (type == FusedMaxPool2d.class) {
      if (maxPool2d == null) {
        maxPool2d = delegate.capability(FusedMaxPool2d.class).map(MaxPool2dCapability::new);
      }
      c = maxPool2d;
    } else if (type == FusedBatchNorm.class) {
      if (batchNorm == null) {
        batchNorm = delegate.capability(FusedBatchNorm.class).map(BatchNormCapability::new);
      }
      c = batchNorm;
    } else {
      c = Optional.empty();
    }
    return c.map(type::cast);
  }

  /**
   * Runs one call of a capability this backend passes through ({@link #capability}): {@code call}
   * holds the delegate's capability and this backend's buffers. The default unwraps the buffers
   * ({@link FusedCall#with} {@link #unwrap}) and runs the call between {@link #beforeKernel} and
   * {@link #afterKernel}, reporting {@link FusedCall#kernel()}. A subclass that needs the arguments
   * of capability calls overrides this one method and calls {@code super}.
   *
   * @param call the call, as the capability's user made it
   */
  protected void fused(FusedCall call) {
    FusedCall inner = call.with(this::unwrap);
    long token = beforeKernel(call.kernel());
    try {
      inner.run();
    } finally {
      afterKernel(call.kernel(), token);
    }
  }

  @Override
  public void synchronize() {
    delegate.synchronize();
  }

  /** Closes the delegate. */
  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return name() + " over " + delegate;
  }

  /** A delegate's buffer, presented as this backend's. */
  private static final class Wrapped implements Buffer {
    private final DelegatingBackend owner;
    private final Buffer inner;

    Wrapped(DelegatingBackend owner, Buffer inner) {
      this.owner = owner;
      this.inner = inner;
    }

    @Override
    public Backend backend() {
      return owner;
    }

    @Override
    public DType dtype() {
      return inner.dtype();
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public boolean isReleased() {
      return inner.isReleased();
    }

    @Override
    public boolean reclaimedByGarbageCollector() {
      return inner.reclaimedByGarbageCollector();
    }

    @Override
    public void close() {
      inner.close();
    }

    @Override
    public String toString() {
      return inner.toString();
    }
  }

  private final class ElementwiseCapability implements FusedElementwise {
    private final FusedElementwise inner;

    ElementwiseCapability(FusedElementwise inner) {
      this.inner = inner;
    }

    @Override
    public boolean supports(DType dtype) {
      return inner.supports(dtype);
    }

    @Override
    public void run(
        ElementwiseProgram program,
        double[] parameters,
        Buffer[] inputs,
        Buffer[] outputs,
        long count) {
      fused(new FusedCall.Elementwise(inner, program, parameters, inputs, outputs, count));
    }
  }

  private final class LayerNormCapability implements FusedLayerNorm {
    private final FusedLayerNorm inner;

    LayerNormCapability(FusedLayerNorm inner) {
      this.inner = inner;
    }

    @Override
    public boolean supports(DType dtype) {
      return inner.supports(dtype);
    }

    @Override
    public void forward(
        Buffer x,
        Buffer weight,
        Buffer bias,
        int rows,
        int d,
        double eps,
        Buffer y,
        Buffer mean,
        Buffer rstd) {
      fused(new FusedCall.LayerNormForward(inner, x, weight, bias, rows, d, eps, y, mean, rstd));
    }

    @Override
    public void backward(
        Buffer gy,
        Buffer x,
        Buffer weight,
        Buffer mean,
        Buffer rstd,
        int rows,
        int d,
        Buffer gx,
        Buffer gWeight,
        Buffer gBias) {
      fused(
          new FusedCall.LayerNormBackward(
              inner, gy, x, weight, mean, rstd, rows, d, gx, gWeight, gBias));
    }
  }

  private final class AttentionCapability implements FusedAttention {
    private final FusedAttention inner;

    AttentionCapability(FusedAttention inner) {
      this.inner = inner;
    }

    @Override
    public boolean supports(DType dtype, AttentionProblem problem, boolean masked) {
      return inner.supports(dtype, problem, masked);
    }

    @Override
    public void forward(
        AttentionProblem problem,
        Buffer q,
        Layout qLayout,
        Buffer k,
        Layout kLayout,
        Buffer v,
        Layout vLayout,
        Buffer mask,
        Layout maskLayout,
        Buffer out,
        Layout outLayout,
        Buffer lse,
        Buffer weights) {
      fused(
          new FusedCall.AttentionForward(
              inner,
              problem,
              q,
              qLayout,
              k,
              kLayout,
              v,
              vLayout,
              mask,
              maskLayout,
              out,
              outLayout,
              lse,
              weights));
    }

    @Override
    public void backward(
        AttentionProblem problem,
        Buffer q,
        Layout qLayout,
        Buffer k,
        Layout kLayout,
        Buffer v,
        Layout vLayout,
        Buffer mask,
        Layout maskLayout,
        Buffer out,
        Layout outLayout,
        Buffer lse,
        Buffer weights,
        Buffer gOut,
        Layout gOutLayout,
        Buffer gq,
        Buffer gk,
        Buffer gv) {
      fused(
          new FusedCall.AttentionBackward(
              inner,
              problem,
              q,
              qLayout,
              k,
              kLayout,
              v,
              vLayout,
              mask,
              maskLayout,
              out,
              outLayout,
              lse,
              weights,
              gOut,
              gOutLayout,
              gq,
              gk,
              gv));
    }
  }

  private final class Conv2dCapability implements FusedConv2d {
    private final FusedConv2d inner;

    Conv2dCapability(FusedConv2d inner) {
      this.inner = inner;
    }

    @Override
    public boolean supports(DType dtype, ConvProblem problem) {
      return inner.supports(dtype, problem);
    }

    @Override
    public void forward(ConvProblem problem, Buffer x, Buffer weight, Buffer bias, Buffer y) {
      fused(new FusedCall.Conv2dForward(inner, problem, x, weight, bias, y));
    }

    @Override
    public void backward(
        ConvProblem problem,
        Buffer gy,
        Buffer x,
        Buffer weight,
        Buffer gx,
        Buffer gWeight,
        Buffer gBias) {
      fused(new FusedCall.Conv2dBackward(inner, problem, gy, x, weight, gx, gWeight, gBias));
    }
  }

  private final class MaxPool2dCapability implements FusedMaxPool2d {
    private final FusedMaxPool2d inner;

    MaxPool2dCapability(FusedMaxPool2d inner) {
      this.inner = inner;
    }

    @Override
    public boolean supports(DType dtype) {
      return inner.supports(dtype);
    }

    @Override
    public void forward(Buffer x, int planes, int h, int w, int kh, int kw, Buffer y) {
      fused(new FusedCall.MaxPool2dForward(inner, x, planes, h, w, kh, kw, y));
    }

    @Override
    public void backward(
        Buffer gy, Buffer x, Buffer y, int planes, int h, int w, int kh, int kw, Buffer gx) {
      fused(new FusedCall.MaxPool2dBackward(inner, gy, x, y, planes, h, w, kh, kw, gx));
    }
  }

  private final class BatchNormCapability implements FusedBatchNorm {
    private final FusedBatchNorm inner;

    BatchNormCapability(FusedBatchNorm inner) {
      this.inner = inner;
    }

    @Override
    public boolean supports(DType dtype) {
      return inner.supports(dtype);
    }

    @Override
    public void forward(
        Buffer x,
        Buffer weight,
        Buffer bias,
        int n,
        int c,
        int s,
        double eps,
        Buffer y,
        Buffer mean,
        Buffer var) {
      fused(new FusedCall.BatchNormForward(inner, x, weight, bias, n, c, s, eps, y, mean, var));
    }

    @Override
    public void backward(
        Buffer gy,
        Buffer x,
        Buffer weight,
        Buffer mean,
        Buffer var,
        int n,
        int c,
        int s,
        double eps,
        Buffer gx,
        Buffer gWeight,
        Buffer gBias) {
      fused(
          new FusedCall.BatchNormBackward(
              inner, gy, x, weight, mean, var, n, c, s, eps, gx, gWeight, gBias));
    }
  }
}

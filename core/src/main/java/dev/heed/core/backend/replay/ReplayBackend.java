package dev.heed.core.backend.replay;

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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that runs another backend's kernels and can record, on one thread at a time per step,
 * every kernel call a step makes into a {@link Plan} that replays them without tensors, tape,
 * scopes or allocation (as CUDA graphs do for a GPU).
 *
 * <p>Outside a capture it forwards every call to the delegate (one thread-local lookup only while
 * some thread is capturing). {@link #capture} starts recording on the calling thread; the step then
 * runs eagerly as usual, its results are the eager ones, and {@link Capture#finish} turns the
 * record into a plan or says why the step cannot be replayed. Buffers handed out during a capture
 * are kept alive (their release is deferred) so that the plan can run the same kernels on the same
 * buffers again; the plan frees them when it is closed.
 *
 * <p>Buffers of this backend wrap the delegate's (core checks that a kernel's buffers belong to the
 * backend it is issued to), so the model must be built on this backend. The delegate's {@link
 * FusedElementwise}, {@link FusedLayerNorm}, {@link FusedAttention}, {@link FusedConv2d}, {@link
 * FusedMaxPool2d} and {@link FusedBatchNorm} are passed through and recorded; other capabilities
 * are not offered (core then uses its composite of primitive kernels, which this backend records).
 */
public final class ReplayBackend implements Backend {
  private final Backend delegate;
  private final boolean ownsDelegate;
  private final AtomicInteger capturing = new AtomicInteger();
  private final ThreadLocal<Capture> active = new ThreadLocal<>();
  private Optional<FusedElementwise> elementwise;
  private Optional<FusedLayerNorm> layerNorm;
  private Optional<FusedAttention> attention;
  private Optional<FusedConv2d> conv2d;
  private Optional<FusedMaxPool2d> maxPool2d;
  private Optional<FusedBatchNorm> batchNorm;

  private ReplayBackend(Backend delegate, boolean ownsDelegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.ownsDelegate = ownsDelegate;
  }

  /** Wraps {@code delegate}, which this backend then owns ({@link #close()} closes it). */
  public static ReplayBackend over(Backend delegate) {
    return new ReplayBackend(delegate, true);
  }

  /** Wraps {@code delegate} without owning it: {@link #close()} leaves it open. */
  public static ReplayBackend borrowing(Backend delegate) {
    return new ReplayBackend(delegate, false);
  }

  /** The backend that runs the kernels. */
  public Backend delegate() {
    return delegate;
  }

  /**
   * Starts recording the kernel calls of the calling thread. Uploads during the capture must come
   * from one of {@code inputs} (Java arrays: the host data that changes from step to step); the
   * downloads that end the step become the plan's outputs.
   *
   * @param inputs the step's input arrays, in the order {@link Plan#replay} takes them
   * @throws IllegalStateException when this thread is already capturing on this backend
   */
  public Capture capture(Object... inputs) {
    return start(null, inputs);
  }

  /**
   * Starts recording a second run of a step captured as {@code first}: {@link Capture#finish} then
   * gives a plan only when this run made the same calls with the same arguments as the first (on
   * the same outside buffers, and on buffers allocated in the same order), so that a scalar that
   * changes from step to step (an optimizer's bias correction, a scheduled learning rate) refuses
   * the replay instead of being replayed with a stale value. The caller still closes {@code first}.
   *
   * @param first the plan of the step's first run
   * @param inputs the step's input arrays, as for {@link #capture}
   */
  public Capture recapture(Plan first, Object... inputs) {
    return start(Objects.requireNonNull(first, "first"), inputs);
  }

  private Capture start(Plan first, Object[] inputs) {
    if (active.get() != null) {
      throw new IllegalStateException("this thread is already capturing a step on this backend");
    }
    Capture c = new Capture(this, first, inputs.clone());
    active.set(c);
    capturing.incrementAndGet();
    return c;
  }

  /** Whether the calling thread is capturing a step on this backend. */
  public boolean isCapturing() {
    return capturing.get() != 0 && active.get() != null;
  }

  void stopped(Capture c) {
    if (active.get() == c) {
      active.remove();
      capturing.decrementAndGet();
    }
  }

  private Capture recorder() {
    if (ScalarPass.inHostPass()) {
      throw new IllegalStateException(
          "the host pass of a replayed step's update ran a kernel: an update replayed with per-step"
              + " scalars may only make fused elementwise updates (ScalarPass)");
    }
    return capturing.get() == 0 ? null : active.get();
  }

  static Buffer in(Buffer b) {
    return b == null ? null : ((ReplayBuffer) b).inner;
  }

  private static Buffer[] in(Buffer[] buffers) {
    Buffer[] inner = new Buffer[buffers.length];
    for (int i = 0; i < buffers.length; i++) {
      inner[i] = in(buffers[i]);
    }
    return inner;
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
    ReplayBuffer b = new ReplayBuffer(this, delegate.allocate(dtype, size));
    Capture c = recorder();
    if (c != null) {
      c.allocated(b, true);
    }
    return b;
  }

  @Override
  public Buffer allocateForOverwrite(DType dtype, long size) {
    ReplayBuffer b = new ReplayBuffer(this, delegate.allocateForOverwrite(dtype, size));
    Capture c = recorder();
    if (c != null) {
      c.allocated(b, false);
    }
    return b;
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    Capture c = recorder();
    if (c != null) {
      c.upload(host, dst, dstOffset, count);
    }
    delegate.upload(host, in(dst), dstOffset, count);
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    Capture c = recorder();
    if (c != null) {
      c.download(src, srcOffset, count, host);
    }
    delegate.download(in(src), srcOffset, count, host);
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    Capture c = recorder();
    Call call = new Call.Fill(in(dst), offset, count, value);
    if (c != null) {
      c.kernel(call, dst);
    }
    call.run(delegate, null, null);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    Call call = new Call.Copy(in(src), srcLayout, in(dst), dstLayout);
    Capture c = recorder();
    if (c != null) {
      c.kernel(call, src, dst);
    }
    call.run(delegate, null, null);
  }

  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    Call call = new Call.Unary(op, a, b, in(x), xLayout, in(y), yLayout);
    Capture c = recorder();
    if (c != null) {
      c.kernel(call, x, y);
    }
    call.run(delegate, null, null);
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
    Call call = new Call.Binary(op, in(a), aLayout, in(b), bLayout, in(out), outLayout);
    Capture c = recorder();
    if (c != null) {
      c.kernel(call, a, b, out);
    }
    call.run(delegate, null, null);
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
    Call call =
        new Call.Where(in(cond), condLayout, in(a), aLayout, in(b), bLayout, in(out), outLayout);
    Capture c = recorder();
    if (c != null) {
      c.kernel(call, cond, a, b, out);
    }
    call.run(delegate, null, null);
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    Call call = new Call.Reduce(op, in(x), xLayout, in(out));
    Capture c = recorder();
    if (c != null) {
      c.kernel(call, x, out);
    }
    call.run(delegate, null, null);
  }

  @Override
  public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
    Call call = new Call.Softmax(in(x), xLayout, log, in(y));
    Capture c = recorder();
    if (c != null) {
      c.kernel(call, x, y);
    }
    call.run(delegate, null, null);
  }

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    Call call = new Call.Matmul(spec, in(a), in(b), in(c));
    Capture r = recorder();
    if (r != null) {
      r.kernel(call, a, b, c);
    }
    call.run(delegate, null, null);
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    Call call = new Call.Gather(in(src), outer, axis, inner, in(indices), count, in(out));
    Capture c = recorder();
    if (c != null) {
      c.kernel(call, src, indices, out);
    }
    call.run(delegate, null, null);
  }

  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    Call call = new Call.ScatterAdd(in(src), outer, count, inner, in(indices), axis, in(out));
    Capture c = recorder();
    if (c != null) {
      c.kernel(call, src, indices, out);
    }
    call.run(delegate, null, null);
  }

  /**
   * Runs the kernel; a capture records it when its seed is a draw of a {@link SeedStream} in the
   * step (a replay then draws the next step's seed at the same place), and is refused otherwise.
   */
  @Override
  public void random(
      Distribution distribution,
      double a,
      double b,
      long seed,
      long streamOffset,
      Buffer out,
      long count) {
    Call call = new Call.Random(distribution, a, b, seed, streamOffset, in(out), count);
    Capture c = recorder();
    if (c != null) {
      c.seeded(call, seed, out);
    }
    call.run(delegate, null, null);
  }

  /**
   * The delegate's {@link FusedElementwise}, {@link FusedLayerNorm}, {@link FusedAttention}, {@link
   * FusedConv2d} or {@link FusedMaxPool2d}, recorded like the primitive kernels; empty for other
   * types.
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
    } else if (type == FusedAttention.class) {
      if (attention == null) {
        attention = delegate.capability(FusedAttention.class).map(AttentionCapability::new);
      }
      c = attention;
    } else {
      c = Optional.empty();
    }
    return c.map(type::cast);
  }

  @Override
  public void synchronize() {
    delegate.synchronize();
  }

  /** Closes the delegate when this backend owns it ({@link #over}). */
  @Override
  public void close() {
    if (ownsDelegate) {
      delegate.close();
    }
  }

  @Override
  public String toString() {
    return "replay over " + delegate;
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
      Capture c = recorder();
      if (c == null) {
        inner.run(program, parameters, in(inputs), in(outputs), count);
        return;
      }
      Call call =
          new Call.Elementwise(inner, program, parameters.clone(), in(inputs), in(outputs), count);
      Buffer[] all = new Buffer[inputs.length + outputs.length];
      System.arraycopy(inputs, 0, all, 0, inputs.length);
      System.arraycopy(outputs, 0, all, inputs.length, outputs.length);
      c.kernel(call, all);
      call.run(delegate, null, null);
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
      Call call =
          new Call.LayerNormForward(
              inner, in(x), in(weight), in(bias), rows, d, eps, in(y), in(mean), in(rstd));
      Capture c = recorder();
      if (c != null) {
        c.kernel(call, x, weight, bias, y, mean, rstd);
      }
      call.run(delegate, null, null);
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
      Call call =
          new Call.LayerNormBackward(
              inner,
              in(gy),
              in(x),
              in(weight),
              in(mean),
              in(rstd),
              rows,
              d,
              in(gx),
              in(gWeight),
              in(gBias));
      Capture c = recorder();
      if (c != null) {
        c.kernel(call, gy, x, weight, mean, rstd, gx, gWeight, gBias);
      }
      call.run(delegate, null, null);
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
      Call call = new Call.Conv2dForward(inner, problem, in(x), in(weight), in(bias), in(y));
      Capture c = recorder();
      if (c != null) {
        c.kernel(call, x, weight, bias, y);
      }
      call.run(delegate, null, null);
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
      Call call =
          new Call.Conv2dBackward(
              inner, problem, in(gy), in(x), in(weight), in(gx), in(gWeight), in(gBias));
      Capture c = recorder();
      if (c != null) {
        c.kernel(call, gy, x, weight, gx, gWeight, gBias);
      }
      call.run(delegate, null, null);
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
      Call call = new Call.MaxPool2dForward(inner, in(x), planes, h, w, kh, kw, in(y));
      Capture c = recorder();
      if (c != null) {
        c.kernel(call, x, y);
      }
      call.run(delegate, null, null);
    }

    @Override
    public void backward(
        Buffer gy, Buffer x, Buffer y, int planes, int h, int w, int kh, int kw, Buffer gx) {
      Call call =
          new Call.MaxPool2dBackward(inner, in(gy), in(x), in(y), planes, h, w, kh, kw, in(gx));
      Capture c = recorder();
      if (c != null) {
        c.kernel(call, gy, x, y, gx);
      }
      call.run(delegate, null, null);
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
      Call call =
          new Call.BatchNormForward(
              inner, in(x), in(weight), in(bias), n, c, s, eps, in(y), in(mean), in(var));
      Capture r = recorder();
      if (r != null) {
        r.kernel(call, x, weight, bias, y, mean, var);
      }
      call.run(delegate, null, null);
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
      Call call =
          new Call.BatchNormBackward(
              inner,
              in(gy),
              in(x),
              in(weight),
              in(mean),
              in(var),
              n,
              c,
              s,
              eps,
              in(gx),
              in(gWeight),
              in(gBias));
      Capture r = recorder();
      if (r != null) {
        r.kernel(call, gy, x, weight, mean, var, gx, gWeight, gBias);
      }
      call.run(delegate, null, null);
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
      Call call =
          new Call.AttentionForward(
              inner,
              problem,
              new Call.AttentionOperands(
                  in(q),
                  qLayout,
                  in(k),
                  kLayout,
                  in(v),
                  vLayout,
                  in(mask),
                  maskLayout,
                  in(out),
                  outLayout,
                  in(lse),
                  in(weights)));
      Capture c = recorder();
      if (c != null) {
        if (problem.dropout() > 0) {
          c.seeded(call, problem.seed(), q, k, v, mask, out, lse, weights);
        } else {
          c.kernel(call, q, k, v, mask, out, lse, weights);
        }
      }
      call.run(delegate, null, null);
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
      Call call =
          new Call.AttentionBackward(
              inner,
              problem,
              new Call.AttentionOperands(
                  in(q),
                  qLayout,
                  in(k),
                  kLayout,
                  in(v),
                  vLayout,
                  in(mask),
                  maskLayout,
                  in(out),
                  outLayout,
                  in(lse),
                  in(weights)),
              in(gOut),
              gOutLayout,
              in(gq),
              in(gk),
              in(gv));
      Capture c = recorder();
      if (c != null) {
        if (problem.dropout() > 0) {
          c.seeded(call, problem.seed(), q, k, v, mask, out, lse, weights, gOut, gq, gk, gv);
        } else {
          c.kernel(call, q, k, v, mask, out, lse, weights, gOut, gq, gk, gv);
        }
      }
      call.run(delegate, null, null);
    }
  }
}

package dev.heed.core.backend.replay;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.DelegatingBackend;
import dev.heed.core.backend.support.FusedCall;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * <p>It is a {@link DelegatingBackend}: that base wraps the delegate's buffers (here in buffers of
 * this package that defer their release while a capture or plan holds them), forwards every kernel
 * and passes the delegate's {@link dev.heed.core.backend.FusedElementwise}, {@link
 * dev.heed.core.backend.FusedLayerNorm}, {@link dev.heed.core.backend.FusedAttention}, {@link
 * dev.heed.core.backend.FusedConv2d}, {@link dev.heed.core.backend.FusedMaxPool2d} and {@link
 * dev.heed.core.backend.FusedBatchNorm} through; other capabilities are not offered (core then uses
 * its composite of primitive kernels, which this backend records). This class adds the recording
 * only: each primitive kernel method records its call and then calls {@code super}, and every
 * capability call reaches {@link #fused} as one {@link FusedCall}, so a capability that the base
 * passes through is recorded without code of its own here. The base's protected hooks are no part
 * of this class's API: the class is final, so its users cannot override them.
 */
public final class ReplayBackend extends DelegatingBackend {
  private final boolean ownsDelegate;
  private final AtomicInteger capturing = new AtomicInteger();
  private final ThreadLocal<Capture> active = new ThreadLocal<>();

  private ReplayBackend(Backend delegate, boolean ownsDelegate) {
    super(delegate);
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

  @Override
  protected Buffer wrap(Buffer inner) {
    return new ReplayBuffer(this, inner);
  }

  @Override
  protected Buffer unwrap(Buffer buffer) {
    return in(buffer);
  }

  @Override
  public Buffer allocate(DType dtype, long size) {
    Buffer b = super.allocate(dtype, size);
    Capture c = recorder();
    if (c != null) {
      c.allocated((ReplayBuffer) b, true);
    }
    return b;
  }

  @Override
  public Buffer allocateForOverwrite(DType dtype, long size) {
    Buffer b = super.allocateForOverwrite(dtype, size);
    Capture c = recorder();
    if (c != null) {
      c.allocated((ReplayBuffer) b, false);
    }
    return b;
  }

  @Override
  public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
    Capture c = recorder();
    if (c != null) {
      c.upload(host, dst, dstOffset, count);
    }
    super.upload(host, dst, dstOffset, count);
  }

  @Override
  public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
    Capture c = recorder();
    if (c != null) {
      c.download(src, srcOffset, count, host);
    }
    super.download(src, srcOffset, count, host);
  }

  @Override
  public void fill(Buffer dst, long offset, long count, double value) {
    Capture c = recorder();
    if (c != null) {
      c.kernel(new Call.Fill(in(dst), offset, count, value), dst);
    }
    super.fill(dst, offset, count, value);
  }

  @Override
  public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
    Capture c = recorder();
    if (c != null) {
      c.kernel(new Call.Copy(in(src), srcLayout, in(dst), dstLayout), src, dst);
    }
    super.copy(src, srcLayout, dst, dstLayout);
  }

  @Override
  public void unary(
      UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout) {
    Capture c = recorder();
    if (c != null) {
      c.kernel(new Call.Unary(op, a, b, in(x), xLayout, in(y), yLayout), x, y);
    }
    super.unary(op, a, b, x, xLayout, y, yLayout);
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
    Capture c = recorder();
    if (c != null) {
      c.kernel(new Call.Binary(op, in(a), aLayout, in(b), bLayout, in(out), outLayout), a, b, out);
    }
    super.binary(op, a, aLayout, b, bLayout, out, outLayout);
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
    Capture c = recorder();
    if (c != null) {
      c.kernel(
          new Call.Where(in(cond), condLayout, in(a), aLayout, in(b), bLayout, in(out), outLayout),
          cond,
          a,
          b,
          out);
    }
    super.where(cond, condLayout, a, aLayout, b, bLayout, out, outLayout);
  }

  @Override
  public void reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer out) {
    Capture c = recorder();
    if (c != null) {
      c.kernel(new Call.Reduce(op, in(x), xLayout, in(out)), x, out);
    }
    super.reduce(op, x, xLayout, out);
  }

  @Override
  public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
    Capture c = recorder();
    if (c != null) {
      c.kernel(new Call.Softmax(in(x), xLayout, log, in(y)), x, y);
    }
    super.softmax(x, xLayout, log, y);
  }

  @Override
  public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
    Capture r = recorder();
    if (r != null) {
      r.kernel(new Call.Matmul(spec, in(a), in(b), in(c)), a, b, c);
    }
    super.matmul(spec, a, b, c);
  }

  @Override
  public void gather(
      Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
    Capture c = recorder();
    if (c != null) {
      c.kernel(
          new Call.Gather(in(src), outer, axis, inner, in(indices), count, in(out)),
          src,
          indices,
          out);
    }
    super.gather(src, outer, axis, inner, indices, count, out);
  }

  @Override
  public void scatterAdd(
      Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer out) {
    Capture c = recorder();
    if (c != null) {
      c.kernel(
          new Call.ScatterAdd(in(src), outer, count, inner, in(indices), axis, in(out)),
          src,
          indices,
          out);
    }
    super.scatterAdd(src, outer, count, inner, indices, axis, out);
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
    Capture c = recorder();
    if (c != null) {
      c.seeded(new Call.Random(distribution, a, b, seed, streamOffset, in(out), count), seed, out);
    }
    super.random(distribution, a, b, seed, streamOffset, out, count);
  }

  /**
   * Runs a call of a capability the base passes through; a capture records it on the delegate's
   * buffers. A fused elementwise call is recorded with a copy of its parameters (fusion and the
   * per-step scalars of {@link ScalarPass} work on those); attention with dropout is recorded as a
   * seeded call, like the random kernel.
   */
  @Override
  protected void fused(FusedCall call) {
    Capture c = recorder();
    if (c != null) {
      List<Buffer> operands = new ArrayList<>();
      FusedCall inner =
          call.with(b -> {
            operands.add(b);
            return in(b);
          });
      Buffer[] pinned = operands.toArray(Buffer[]::new);
      switch (inner) {
        case FusedCall.Elementwise e ->
            c.kernel(
                new Call.Elementwise(
                    e.fused(),
                    e.program(),
                    e.parameters().clone(),
                    e.inputs(),
                    e.outputs(),
                    e.count()),
                pinned);
        case FusedCall.AttentionForward f when f.problem().dropout() > 0 ->
            c.seeded(new Call.Fused(inner), f.problem().seed(), pinned);
        case FusedCall.AttentionBackward g when g.problem().dropout() > 0 ->
            c.seeded(new Call.Fused(inner), g.problem().seed(), pinned);
        default -> c.kernel(new Call.Fused(inner), pinned);
      }
    }
    super.fused(call);
  }

  /** Closes the delegate when this backend owns it ({@link #over}). */
  @Override
  public void close() {
    if (ownsDelegate) {
      super.close();
    }
  }

  @Override
  public String toString() {
    return "replay over " + delegate();
  }
}

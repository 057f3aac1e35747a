package dev.heed.core.backend.replay;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.support.FusedCall;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * One recorded kernel call of a {@link Plan}, over the delegate's buffers, with every argument it
 * had when it was captured. {@link #run} issues it again on the delegate; an upload takes its host
 * data from the plan's input of the same slot, a download writes into the output of its slot.
 */
sealed interface Call {

  void run(Backend delegate, MemorySegment[] inputs, MemorySegment[] outputs);

  /**
   * The same call with every buffer mapped through {@code f}: a second capture's call, mapped onto
   * the first capture's buffers, equals the first one's call when the step did the same thing.
   */
  Call with(UnaryOperator<Buffer> f);

  /** Fills a buffer that {@link Backend#allocate} handed out with zeros during the capture. */
  record Zero(Buffer dst) implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Zero(f.apply(dst));
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.fill(dst, 0, dst.size(), 0);
    }
  }

  record Upload(int slot, long hostByteOffset, Buffer dst, long dstOffset, long count)
      implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Upload(slot, hostByteOffset, f.apply(dst), dstOffset, count);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.upload(in[slot].asSlice(hostByteOffset), dst, dstOffset, count);
    }
  }

  record Download(int slot, long hostByteOffset, Buffer src, long srcOffset, long count)
      implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Download(slot, hostByteOffset, f.apply(src), srcOffset, count);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.download(src, srcOffset, count, out[slot].asSlice(hostByteOffset));
    }
  }

  record Fill(Buffer dst, long offset, long count, double value) implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Fill(f.apply(dst), offset, count, value);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.fill(dst, offset, count, value);
    }
  }

  record Copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Copy(f.apply(src), srcLayout, f.apply(dst), dstLayout);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.copy(src, srcLayout, dst, dstLayout);
    }
  }

  record Unary(UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout)
      implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Unary(op, a, b, f.apply(x), xLayout, f.apply(y), yLayout);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.unary(op, a, b, x, xLayout, y, yLayout);
    }
  }

  record Binary(
      BinaryOp op, Buffer a, Layout aLayout, Buffer b, Layout bLayout, Buffer y, Layout yLayout)
      implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Binary(op, f.apply(a), aLayout, f.apply(b), bLayout, f.apply(y), yLayout);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.binary(op, a, aLayout, b, bLayout, y, yLayout);
    }
  }

  record Where(
      Buffer cond,
      Layout condLayout,
      Buffer a,
      Layout aLayout,
      Buffer b,
      Layout bLayout,
      Buffer y,
      Layout yLayout)
      implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Where(
          f.apply(cond), condLayout, f.apply(a), aLayout, f.apply(b), bLayout, f.apply(y), yLayout);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.where(cond, condLayout, a, aLayout, b, bLayout, y, yLayout);
    }
  }

  record Reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer y) implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Reduce(op, f.apply(x), xLayout, f.apply(y));
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.reduce(op, x, xLayout, y);
    }
  }

  record Softmax(Buffer x, Layout xLayout, boolean log, Buffer y) implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Softmax(f.apply(x), xLayout, log, f.apply(y));
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.softmax(x, xLayout, log, y);
    }
  }

  record Matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Matmul(spec, f.apply(a), f.apply(b), f.apply(c));
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.matmul(spec, a, b, c);
    }
  }

  record Gather(Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer y)
      implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Gather(f.apply(src), outer, axis, inner, f.apply(indices), count, f.apply(y));
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.gather(src, outer, axis, inner, indices, count, y);
    }
  }

  record ScatterAdd(Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer y)
      implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new ScatterAdd(f.apply(src), outer, count, inner, f.apply(indices), axis, f.apply(y));
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.scatterAdd(src, outer, count, inner, indices, axis, y);
    }
  }

  record Elementwise(
      FusedElementwise fused,
      ElementwiseProgram program,
      double[] parameters,
      Buffer[] inputs,
      Buffer[] outputs,
      long count)
      implements Call {
    private static Buffer[] map(Buffer[] buffers, UnaryOperator<Buffer> f) {
      Buffer[] m = new Buffer[buffers.length];
      for (int i = 0; i < m.length; i++) {
        m[i] = f.apply(buffers[i]);
      }
      return m;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Elementwise e
          && fused == e.fused
          && program.equals(e.program)
          && Arrays.equals(parameters, e.parameters)
          && Arrays.equals(inputs, e.inputs)
          && Arrays.equals(outputs, e.outputs)
          && count == e.count;
    }

    @Override
    public int hashCode() {
      return program.hashCode() * 31 + Long.hashCode(count);
    }

    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Elementwise(fused, program, parameters, map(inputs, f), map(outputs, f), count);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      fused.run(program, parameters, inputs, outputs, count);
    }
  }

  /**
   * A fused elementwise call made inside {@link ScalarPass#run}: a step's update, whose run-time
   * parameters change from step to step. A plan replays it with the parameters of its host pass;
   * two captures agree on it when everything but the parameters agrees.
   */
  record Update(Elementwise call) implements Call {
    /** Whether {@code o} is the same update but for its run-time parameters. */
    boolean sameButParameters(Update o) {
      Elementwise a = call;
      Elementwise b = o.call;
      return a.fused() == b.fused()
          && a.program().equals(b.program())
          && Arrays.equals(a.inputs(), b.inputs())
          && Arrays.equals(a.outputs(), b.outputs())
          && a.count() == b.count();
    }

    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Update((Elementwise) call.with(f));
    }

    /** Runs with the captured parameters. */
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      call.run(d, in, out);
    }

    /** Runs with {@code parameters}, this step's. */
    void run(double[] parameters) {
      call.fused().run(call.program(), parameters, call.inputs(), call.outputs(), call.count());
    }
  }

  /** The random kernel. */
  record Random(
      Distribution distribution,
      double a,
      double b,
      long seed,
      long streamOffset,
      Buffer out,
      long count)
      implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Random(distribution, a, b, seed, streamOffset, f.apply(out), count);
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.random(distribution, a, b, seed, streamOffset, this.out, count);
    }
  }

  /**
   * A call whose random seed is a draw of a {@link SeedStream} in the step: recorded with the seed
   * 0 and the draw's place ({@code stream}, the input slot of the stream the step declared, and
   * {@code draw}, its index among the step's draws of that stream), replayed with the seed drawn
   * there in the replayed step. The call is a {@link Random}, or a {@link Fused} attention forward
   * or backward.
   */
  record Seeded(Call call, int stream, long draw) implements Call {
    /** {@code call} with {@code seed}. */
    static Call withSeed(Call call, long seed) {
      return switch (call) {
        case Random r ->
            new Random(r.distribution(), r.a(), r.b(), seed, r.streamOffset(), r.out(), r.count());
        case Fused(FusedCall.AttentionForward f) ->
            new Fused(f.withProblem(seeded(f.problem(), seed)));
        case Fused(FusedCall.AttentionBackward g) ->
            new Fused(g.withProblem(seeded(g.problem(), seed)));
        default -> throw new IllegalArgumentException("no seed in " + call);
      };
    }

    private static AttentionProblem seeded(AttentionProblem p, long seed) {
      return new AttentionProblem(
          p.batch(),
          p.heads(),
          p.kvHeads(),
          p.queries(),
          p.keys(),
          p.headDim(),
          p.valueDim(),
          p.scale(),
          p.causal(),
          p.dropout(),
          seed);
    }

    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Seeded(call.with(f), stream, draw);
    }

    /** Runs with the recorded seed (0): only a plan that computed the step's seeds runs these. */
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      call.run(d, in, out);
    }
  }

  /**
   * A call of a capability that {@link ReplayBackend}'s base passes through (a fused elementwise
   * call is an {@link Elementwise} instead), on the delegate's buffers.
   */
  record Fused(FusedCall call) implements Call {
    @Override
    public Call with(UnaryOperator<Buffer> f) {
      return new Fused(call.with(f));
    }

    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      call.run();
    }
  }
}

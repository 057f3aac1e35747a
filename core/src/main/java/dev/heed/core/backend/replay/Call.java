package dev.heed.core.backend.replay;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import java.lang.foreign.MemorySegment;

/**
 * One recorded kernel call of a {@link Plan}, over the delegate's buffers, with every argument it
 * had when it was captured. {@link #run} issues it again on the delegate; an upload takes its host
 * data from the plan's input of the same slot, a download writes into the output of its slot.
 */
sealed interface Call {

  void run(Backend delegate, MemorySegment[] inputs, MemorySegment[] outputs);

  /** Fills a buffer that {@link Backend#allocate} handed out with zeros during the capture. */
  record Zero(Buffer dst) implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.fill(dst, 0, dst.size(), 0);
    }
  }

  record Upload(int slot, long hostByteOffset, Buffer dst, long dstOffset, long count)
      implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.upload(in[slot].asSlice(hostByteOffset), dst, dstOffset, count);
    }
  }

  record Download(int slot, long hostByteOffset, Buffer src, long srcOffset, long count)
      implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.download(src, srcOffset, count, out[slot].asSlice(hostByteOffset));
    }
  }

  record Fill(Buffer dst, long offset, long count, double value) implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.fill(dst, offset, count, value);
    }
  }

  record Copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.copy(src, srcLayout, dst, dstLayout);
    }
  }

  record Unary(UnaryOp op, double a, double b, Buffer x, Layout xLayout, Buffer y, Layout yLayout)
      implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.unary(op, a, b, x, xLayout, y, yLayout);
    }
  }

  record Binary(
      BinaryOp op, Buffer a, Layout aLayout, Buffer b, Layout bLayout, Buffer y, Layout yLayout)
      implements Call {
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
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.where(cond, condLayout, a, aLayout, b, bLayout, y, yLayout);
    }
  }

  record Reduce(ReduceOp op, Buffer x, Layout xLayout, Buffer y) implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.reduce(op, x, xLayout, y);
    }
  }

  record Softmax(Buffer x, Layout xLayout, boolean log, Buffer y) implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.softmax(x, xLayout, log, y);
    }
  }

  record Matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.matmul(spec, a, b, c);
    }
  }

  record Gather(Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer y)
      implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      d.gather(src, outer, axis, inner, indices, count, y);
    }
  }

  record ScatterAdd(Buffer src, int outer, int count, int inner, Buffer indices, int axis, Buffer y)
      implements Call {
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
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      fused.run(program, parameters, inputs, outputs, count);
    }
  }

  record LayerNormForward(
      FusedLayerNorm fused,
      Buffer x,
      Buffer weight,
      Buffer bias,
      int rows,
      int dim,
      double eps,
      Buffer y,
      Buffer mean,
      Buffer rstd)
      implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      fused.forward(x, weight, bias, rows, dim, eps, y, mean, rstd);
    }
  }

  record LayerNormBackward(
      FusedLayerNorm fused,
      Buffer gy,
      Buffer x,
      Buffer weight,
      Buffer mean,
      Buffer rstd,
      int rows,
      int dim,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias)
      implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      fused.backward(gy, x, weight, mean, rstd, rows, dim, gx, gWeight, gBias);
    }
  }

  /** Operands of an attention call, in the order of {@link FusedAttention}'s methods. */
  record AttentionOperands(
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
      Buffer weights) {}

  record AttentionForward(FusedAttention fused, AttentionProblem problem, AttentionOperands o)
      implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      fused.forward(
          problem,
          o.q(),
          o.qLayout(),
          o.k(),
          o.kLayout(),
          o.v(),
          o.vLayout(),
          o.mask(),
          o.maskLayout(),
          o.out(),
          o.outLayout(),
          o.lse(),
          o.weights());
    }
  }

  record AttentionBackward(
      FusedAttention fused,
      AttentionProblem problem,
      AttentionOperands o,
      Buffer gOut,
      Layout gOutLayout,
      Buffer gq,
      Buffer gk,
      Buffer gv)
      implements Call {
    @Override
    public void run(Backend d, MemorySegment[] in, MemorySegment[] out) {
      fused.backward(
          problem,
          o.q(),
          o.qLayout(),
          o.k(),
          o.kLayout(),
          o.v(),
          o.vLayout(),
          o.mask(),
          o.maskLayout(),
          o.out(),
          o.outLayout(),
          o.lse(),
          o.weights(),
          gOut,
          gOutLayout,
          gq,
          gk,
          gv);
    }
  }
}

package dev.heed.core.backend.support;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.ConvProblem;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.FusedConv2d;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.support.DelegatingBackend.Kernel;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * One call of a capability method as a value: the capability ({@code fused}) and every argument of
 * the call, in the order of the method's parameters. {@link DelegatingBackend} hands each call of a
 * capability it passes through to {@link DelegatingBackend#fused} as one of these, so that a
 * wrapping backend handles all capability calls in one method (recording them, for a replay)
 * instead of wrapping each capability type again.
 *
 * <p>A call holds the caller's buffers and arrays, not copies. Records compare by value: the
 * capability by identity, buffers by identity (as their own {@code equals} does), arrays by
 * content. Optional operands (a bias, a mask) are null where the method takes null.
 */
public sealed interface FusedCall {

  /** Which capability method this is, as {@link DelegatingBackend}'s hooks report it. */
  Kernel kernel();

  /**
   * The same call with every buffer {@code b} replaced by {@code f.apply(b)} (null operands stay
   * null): {@link DelegatingBackend} maps its buffers to the delegate's this way.
   */
  FusedCall with(UnaryOperator<Buffer> f);

  /** Calls the method on {@code fused}, whose buffers the call's must be. */
  void run();

  private static Buffer map(UnaryOperator<Buffer> f, Buffer b) {
    return b == null ? null : f.apply(b);
  }

  private static Buffer[] map(UnaryOperator<Buffer> f, Buffer[] buffers) {
    Buffer[] m = new Buffer[buffers.length];
    for (int i = 0; i < m.length; i++) {
      m[i] = map(f, buffers[i]);
    }
    return m;
  }

  /** {@link FusedElementwise#run}. */
  record Elementwise(
      FusedElementwise fused,
      ElementwiseProgram program,
      double[] parameters,
      Buffer[] inputs,
      Buffer[] outputs,
      long count)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.FUSED_ELEMENTWISE;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new Elementwise(fused, program, parameters, map(f, inputs), map(f, outputs), count);
    }

    @Override
    public void run() {
      fused.run(program, parameters, inputs, outputs, count);
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
  }

  /** {@link FusedLayerNorm#forward}. */
  record LayerNormForward(
      FusedLayerNorm fused,
      Buffer x,
      Buffer weight,
      Buffer bias,
      int rows,
      int d,
      double eps,
      Buffer y,
      Buffer mean,
      Buffer rstd)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.LAYER_NORM_FORWARD;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new LayerNormForward(
          fused,
          map(f, x),
          map(f, weight),
          map(f, bias),
          rows,
          d,
          eps,
          map(f, y),
          map(f, mean),
          map(f, rstd));
    }

    @Override
    public void run() {
      fused.forward(x, weight, bias, rows, d, eps, y, mean, rstd);
    }
  }

  /** {@link FusedLayerNorm#backward}. */
  record LayerNormBackward(
      FusedLayerNorm fused,
      Buffer gy,
      Buffer x,
      Buffer weight,
      Buffer mean,
      Buffer rstd,
      int rows,
      int d,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.LAYER_NORM_BACKWARD;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new LayerNormBackward(
          fused,
          map(f, gy),
          map(f, x),
          map(f, weight),
          map(f, mean),
          map(f, rstd),
          rows,
          d,
          map(f, gx),
          map(f, gWeight),
          map(f, gBias));
    }

    @Override
    public void run() {
      fused.backward(gy, x, weight, mean, rstd, rows, d, gx, gWeight, gBias);
    }
  }

  /** {@link FusedAttention#forward}. */
  record AttentionForward(
      FusedAttention fused,
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
      Buffer weights)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.ATTENTION_FORWARD;
    }

    /** The same call on {@code other} (a problem with another dropout seed, say). */
    public AttentionForward withProblem(AttentionProblem other) {
      return new AttentionForward(
          fused,
          other,
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
          weights);
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new AttentionForward(
          fused,
          problem,
          map(f, q),
          qLayout,
          map(f, k),
          kLayout,
          map(f, v),
          vLayout,
          map(f, mask),
          maskLayout,
          map(f, out),
          outLayout,
          map(f, lse),
          map(f, weights));
    }

    @Override
    public void run() {
      fused.forward(
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
          weights);
    }
  }

  /** {@link FusedAttention#backward}. */
  record AttentionBackward(
      FusedAttention fused,
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
      Buffer gv)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.ATTENTION_BACKWARD;
    }

    /** The same call on {@code other} (a problem with another dropout seed, say). */
    public AttentionBackward withProblem(AttentionProblem other) {
      return new AttentionBackward(
          fused,
          other,
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
          gv);
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new AttentionBackward(
          fused,
          problem,
          map(f, q),
          qLayout,
          map(f, k),
          kLayout,
          map(f, v),
          vLayout,
          map(f, mask),
          maskLayout,
          map(f, out),
          outLayout,
          map(f, lse),
          map(f, weights),
          map(f, gOut),
          gOutLayout,
          map(f, gq),
          map(f, gk),
          map(f, gv));
    }

    @Override
    public void run() {
      fused.backward(
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
          gv);
    }
  }

  /** {@link FusedConv2d#forward}. */
  record Conv2dForward(
      FusedConv2d fused, ConvProblem problem, Buffer x, Buffer weight, Buffer bias, Buffer y)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.CONV2D_FORWARD;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new Conv2dForward(fused, problem, map(f, x), map(f, weight), map(f, bias), map(f, y));
    }

    @Override
    public void run() {
      fused.forward(problem, x, weight, bias, y);
    }
  }

  /** {@link FusedConv2d#backward}. */
  record Conv2dBackward(
      FusedConv2d fused,
      ConvProblem problem,
      Buffer gy,
      Buffer x,
      Buffer weight,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.CONV2D_BACKWARD;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new Conv2dBackward(
          fused,
          problem,
          map(f, gy),
          map(f, x),
          map(f, weight),
          map(f, gx),
          map(f, gWeight),
          map(f, gBias));
    }

    @Override
    public void run() {
      fused.backward(problem, gy, x, weight, gx, gWeight, gBias);
    }
  }

  /** {@link FusedMaxPool2d#forward}. */
  record MaxPool2dForward(
      FusedMaxPool2d fused, Buffer x, int planes, int h, int w, int kh, int kw, Buffer y)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.MAX_POOL2D_FORWARD;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new MaxPool2dForward(fused, map(f, x), planes, h, w, kh, kw, map(f, y));
    }

    @Override
    public void run() {
      fused.forward(x, planes, h, w, kh, kw, y);
    }
  }

  /** {@link FusedMaxPool2d#backward}. */
  record MaxPool2dBackward(
      FusedMaxPool2d fused,
      Buffer gy,
      Buffer x,
      Buffer y,
      int planes,
      int h,
      int w,
      int kh,
      int kw,
      Buffer gx)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.MAX_POOL2D_BACKWARD;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new MaxPool2dBackward(
          fused, map(f, gy), map(f, x), map(f, y), planes, h, w, kh, kw, map(f, gx));
    }

    @Override
    public void run() {
      fused.backward(gy, x, y, planes, h, w, kh, kw, gx);
    }
  }

  /** {@link FusedBatchNorm#forward}. */
  record BatchNormForward(
      FusedBatchNorm fused,
      Buffer x,
      Buffer weight,
      Buffer bias,
      int n,
      int c,
      int s,
      double eps,
      Buffer y,
      Buffer mean,
      Buffer var)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.BATCH_NORM_FORWARD;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new BatchNormForward(
          fused,
          map(f, x),
          map(f, weight),
          map(f, bias),
          n,
          c,
          s,
          eps,
          map(f, y),
          map(f, mean),
          map(f, var));
    }

    @Override
    public void run() {
      fused.forward(x, weight, bias, n, c, s, eps, y, mean, var);
    }
  }

  /** {@link FusedBatchNorm#backward}. */
  record BatchNormBackward(
      FusedBatchNorm fused,
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
      Buffer gBias)
      implements FusedCall {
    @Override
    public Kernel kernel() {
      return Kernel.BATCH_NORM_BACKWARD;
    }

    @Override
    public FusedCall with(UnaryOperator<Buffer> f) {
      return new BatchNormBackward(
          fused,
          map(f, gy),
          map(f, x),
          map(f, weight),
          map(f, mean),
          map(f, var),
          n,
          c,
          s,
          eps,
          map(f, gx),
          map(f, gWeight),
          map(f, gBias));
    }

    @Override
    public void run() {
      fused.backward(gy, x, weight, mean, var, n, c, s, eps, gx, gWeight, gBias);
    }
  }
}

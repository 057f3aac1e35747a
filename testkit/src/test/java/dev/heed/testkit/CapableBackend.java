package dev.heed.testkit;

import dev.heed.core.backend.AttentionProblem;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.ElementwiseProgram;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.Layout;
import dev.heed.testkit.AttentionOracle.Operands;
import java.util.Optional;

/**
 * A {@link StrictBackend} that offers every capability, computed on the host in float64 from the
 * capabilities' definitions ({@link ElementwiseProgram#evaluate}, {@link LayerNormOracle}, {@link
 * AttentionOracle}, {@link MaxPool2dOracle}, {@link BatchNormOracle}) and rounded once to the
 * element type: a right implementation for the capability contracts to pass, and the base of the
 * broken ones they must fail. Subclasses replace a capability by overriding its factory method.
 */
class CapableBackend extends StrictBackend {
  private final FusedElementwise elementwise = elementwise();
  private final FusedLayerNorm layerNorm = layerNorm();
  private final FusedAttention attention = attention();
  private final FusedMaxPool2d maxPool2d = maxPool2d();
  private final FusedBatchNorm batchNorm = batchNorm();

  @Override
  public String deviceDescription() {
    return "the reference kernels with every capability computed on the host";
  }

  @Override
  public <T extends Capability> Optional<T> capability(Class<T> type) {
    Object c =
        type == FusedElementwise.class
            ? elementwise
            : type == FusedLayerNorm.class
                ? layerNorm
                : type == FusedAttention.class
                    ? attention
                    : type == FusedMaxPool2d.class
                        ? maxPool2d
                        : type == FusedBatchNorm.class ? batchNorm : null;
    return Optional.ofNullable(type.cast(c));
  }

  /** The fused elementwise chains. */
  FusedElementwise elementwise() {
    return new HostElementwise();
  }

  /** The fused layer norm. */
  FusedLayerNorm layerNorm() {
    return new HostLayerNorm();
  }

  /** The fused attention. */
  FusedAttention attention() {
    return new HostAttention();
  }

  /** The fused max pooling. */
  FusedMaxPool2d maxPool2d() {
    return new HostMaxPool2d();
  }

  /** The fused batch norm. */
  FusedBatchNorm batchNorm() {
    return new HostBatchNorm();
  }

  double[] read(Buffer b) {
    return DeviceBuffers.download(this, b);
  }

  double[] readOrNull(Buffer b) {
    return b == null ? null : read(b);
  }

  /** Writes {@code values} from element 0 of {@code b}. */
  void write(Buffer b, double[] values) {
    if (values.length > 0) {
      upload(DeviceBuffers.segment(b.dtype(), values), b, 0, values.length);
    }
  }

  /** Writes {@code values} (row-major) into the view {@code layout} of {@code b}. */
  void write(Buffer b, Layout layout, double[] values) {
    write(b, KernelOracle.write(read(b), layout, values));
  }

  class HostElementwise implements FusedElementwise {
    @Override
    public boolean supports(DType dtype) {
      return dtype.isFloatingPoint();
    }

    @Override
    public void run(
        ElementwiseProgram program,
        double[] parameters,
        Buffer[] inputs,
        Buffer[] outputs,
        long count) {
      int n = (int) count;
      double[][] in = new double[inputs.length][];
      for (int i = 0; i < in.length; i++) {
        in[i] = read(inputs[i]);
      }
      double[][] out = new double[outputs.length][n];
      boolean float32 = inputs[0].dtype() == DType.FLOAT32;
      double[] x = new double[in.length];
      for (int e = 0; e < n; e++) {
        for (int i = 0; i < in.length; i++) {
          x[i] = in[i][e];
        }
        double[] y = evaluate(program, x, parameters, float32);
        for (int j = 0; j < y.length; j++) {
          out[j][e] = y[j];
        }
      }
      for (int j = 0; j < outputs.length; j++) {
        write(outputs[j], out[j]);
      }
    }

    double[] evaluate(ElementwiseProgram p, double[] x, double[] parameters, boolean float32) {
      return p.evaluate(x, parameters, float32);
    }
  }

  class HostLayerNorm implements FusedLayerNorm {
    @Override
    public boolean supports(DType dtype) {
      return dtype.isFloatingPoint();
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
      LayerNormOracle.Forward f =
          LayerNormOracle.forward(read(x), readOrNull(weight), readOrNull(bias), rows, d, eps);
      write(y, f.y());
      write(mean, f.mean());
      write(rstd, f.rstd());
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
      LayerNormOracle.Gradients g =
          LayerNormOracle.backward(
              read(gy), read(x), readOrNull(weight), read(mean), read(rstd), rows, d);
      write(gx, g.gx());
      if (gWeight != null) {
        write(gWeight, g.gWeight());
      }
      if (gBias != null) {
        write(gBias, g.gBias());
      }
    }
  }

  class HostAttention implements FusedAttention {
    @Override
    public boolean supports(DType dtype, AttentionProblem problem, boolean masked) {
      return dtype.isFloatingPoint();
    }

    Operands operands(
        Buffer q,
        Layout qLayout,
        Buffer k,
        Layout kLayout,
        Buffer v,
        Layout vLayout,
        Buffer mask,
        Layout maskLayout) {
      return new Operands(
          read(q), qLayout, read(k), kLayout, read(v), vLayout, readOrNull(mask), maskLayout);
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
      AttentionOracle.Forward f =
          AttentionOracle.forward(
              problem, operands(q, qLayout, k, kLayout, v, vLayout, mask, maskLayout));
      write(out, outLayout, f.out());
      write(lse, f.lse());
      if (weights != null) {
        write(weights, f.weights());
      }
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
      AttentionOracle.Gradients g =
          AttentionOracle.backward(
              problem,
              operands(q, qLayout, k, kLayout, v, vLayout, mask, maskLayout),
              read(gOut),
              gOutLayout);
      if (gq != null) {
        write(gq, g.gq());
      }
      if (gk != null) {
        write(gk, g.gk());
      }
      if (gv != null) {
        write(gv, g.gv());
      }
    }
  }

  class HostMaxPool2d implements FusedMaxPool2d {
    @Override
    public boolean supports(DType dtype) {
      return dtype.isFloatingPoint();
    }

    @Override
    public void forward(Buffer x, int planes, int h, int w, int kh, int kw, Buffer y) {
      write(y, MaxPool2dOracle.forward(read(x), planes, h, w, kh, kw));
    }

    @Override
    public void backward(
        Buffer gy, Buffer x, Buffer y, int planes, int h, int w, int kh, int kw, Buffer gx) {
      write(gx, MaxPool2dOracle.backward(read(gy), read(x), planes, h, w, kh, kw));
    }
  }

  class HostBatchNorm implements FusedBatchNorm {
    @Override
    public boolean supports(DType dtype) {
      return dtype.isFloatingPoint();
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
      BatchNormOracle.Forward f =
          BatchNormOracle.forward(read(x), readOrNull(weight), readOrNull(bias), n, c, s, eps);
      write(y, f.y());
      write(mean, f.mean());
      write(var, f.var());
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
      BatchNormOracle.Gradients g =
          BatchNormOracle.backward(
              read(gy), read(x), readOrNull(weight), read(mean), read(var), n, c, s, eps);
      if (gx != null) {
        write(gx, g.gx());
      }
      if (gWeight != null) {
        write(gWeight, g.gWeight());
      }
      if (gBias != null) {
        write(gBias, g.gBias());
      }
    }
  }
}

package dev.heed.core.tensor;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import java.util.Optional;

/**
 * Operations specific to neural networks: softmax, embeddings (gather), one-hot, dropout, batch
 * normalisation.
 */
public final class NeuralOps {
  private NeuralOps() {}

  /** Softmax along {@code axis}, computed stably. */
  public static Tensor softmax(Tensor x, int axis) {
    Checks.floating("softmax", x);
    int a = x.shape().axis(axis);
    Tensor y = softmaxRaw(x, a, false);
    return Autograd.record(
        y,
        "softmax",
        new Tensor[] {y},
        g -> {
          Tensor gy = Elementwise.mul(g, y);
          return new Tensor[] {
            Elementwise.sub(gy, Elementwise.mul(y, Reductions.sum(gy, a, true)))
          };
        },
        x);
  }

  /** Log-softmax along {@code axis}, computed stably (no overflow for large inputs). */
  public static Tensor logSoftmax(Tensor x, int axis) {
    Checks.floating("logSoftmax", x);
    int a = x.shape().axis(axis);
    Tensor y = softmaxRaw(x, a, true);
    return Autograd.record(
        y,
        "logSoftmax",
        new Tensor[] {y},
        g ->
            new Tensor[] {
              Elementwise.sub(g, Elementwise.mul(Elementwise.exp(y), Reductions.sum(g, a, true)))
            },
        x);
  }

  /** The (log-)softmax of {@code x} along axis {@code a} into a new contiguous tensor. */
  private static Tensor softmaxRaw(Tensor x, int a, boolean log) {
    Layout l = Views.around(x.layout(), a);
    Tensor src = x;
    if (l == null) {
      src = Shapes.copy(x);
      l = Views.around(src.layout(), a);
    }
    Tensor y = Tensor.allocateForOverwrite(x.backend(), x.shape(), x.dtype());
    Kernels.softmax(x.backend(), src.buffer(), l, log, y.buffer());
    return y;
  }

  /**
   * Selects entries along {@code axis} by index: the result has {@code src}'s shape with {@code
   * axis} replaced by the shape of {@code indices} (INT32, any rank). The gradient scatters back
   * and adds at repeated indices.
   */
  public static Tensor indexSelect(Tensor src, int axis, Tensor indices) {
    Checks.indices("indexSelect", indices);
    if (src.backend() != indices.backend()) {
      throw new IllegalArgumentException(
          "indexSelect: source and indices live on different backends");
    }
    Shape s = src.shape();
    int a = s.axis(axis);
    int count = (int) indices.size();
    int[] outDims = new int[s.rank() - 1 + indices.rank()];
    int j = 0;
    for (int k = 0; k < a; k++) {
      outDims[j++] = s.dim(k);
    }
    for (int k = 0; k < indices.rank(); k++) {
      outDims[j++] = indices.dim(k);
    }
    for (int k = a + 1; k < s.rank(); k++) {
      outDims[j++] = s.dim(k);
    }
    Tensor out = Tensor.allocateForOverwrite(src.backend(), Shape.of(outDims), src.dtype());
    int outer = s.outer(a);
    int inner = s.inner(a);
    int extent = s.dim(a);
    Tensor table = Shapes.dense(src);
    Tensor idx = Shapes.dense(indices);
    Kernels.gather(
        src.backend(),
        table.buffer(),
        outer,
        extent,
        inner,
        idx.buffer(),
        count,
        out.buffer(),
        idx.knownIndexBound());
    if (idx.knownIndexBound() < 0) {
      // checked against the extent just now: later uses of these indices need not read them
      idx.knowIndexBound(extent);
      indices.knowIndexBound(extent);
    }
    long bound = idx.knownIndexBound();
    return Autograd.record(
        out,
        "indexSelect",
        new Tensor[] {indices},
        g -> {
          Tensor full = Tensor.allocate(g.backend(), s, g.dtype());
          Tensor gd = Shapes.dense(g);
          Kernels.scatterAdd(
              g.backend(),
              gd.buffer(),
              outer,
              count,
              inner,
              idx.buffer(),
              extent,
              full.buffer(),
              bound);
          return new Tensor[] {full, null};
        },
        src,
        indices);
  }

  /**
   * Embedding lookup: rows of {@code table} ({@code [vocab, dim]}) for each index; result {@code
   * [..., dim]}.
   */
  public static Tensor embedding(Tensor table, Tensor indices) {
    if (table.rank() != 2) {
      throw new IllegalArgumentException(
          "embedding: the table must be [vocabulary, dimension], got " + table.shape());
    }
    return indexSelect(table, 0, indices);
  }

  /** One-hot rows ({@code [..., classes]}) for INT32 class indices; no gradient. */
  public static Tensor oneHot(Tensor indices, int classes, DType dtype) {
    Tensor eye = Tensors.eye(indices.backend(), classes, dtype);
    return indexSelect(eye, 0, indices);
  }

  /**
   * Inverted dropout: in training, zeroes each element with probability {@code p} (drawn from
   * stream {@code seed}) and scales the rest by {@code 1/(1-p)}; outside training, the identity.
   */
  public static Tensor dropout(Tensor x, double p, boolean training, long seed) {
    if (p < 0 || p >= 1) {
      throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
    }
    if (!training || p == 0) {
      return x;
    }
    Tensor keep =
        Tensors.random(x.backend(), x.shape(), x.dtype(), Distribution.BERNOULLI, 1 - p, 0, seed);
    return Elementwise.mul(x, Elementwise.affine(keep, 1.0 / (1 - p), 0));
  }

  /**
   * Batch normalisation of {@code x} {@code [N, C, S]} by the batch's statistics (PyTorch's batch
   * norm in training mode): each channel normalised by its mean and biased variance over the batch
   * and the positions, {@code (x - mean)/√(var + eps)}, then multiplied by {@code weight} and
   * shifted by {@code bias} ({@code [C]} each, or null for none; given together). Runs the
   * backend's {@link FusedBatchNorm} when it offers one for the type (first-order gradients only),
   * else a composite of primitive kernels.
   *
   * @return the output {@code [N, C, S]} (recorded), and the batch's mean and biased variance
   *     {@code [C]} (off the tape), for running statistics
   * @throws IllegalArgumentException when {@code x} is not of rank 3, a channel has fewer than two
   *     values, or {@code weight} or {@code bias} is not {@code [C]}
   */
  public static Tensor[] batchNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
    if (x.rank() != 3) {
      throw new IllegalArgumentException(
          "batchNorm: the input must be [batch, channels, positions], got " + x.shape());
    }
    Checks.floating("batchNorm", x);
    int n = x.dim(0);
    int c = x.dim(1);
    int positions = x.dim(2);
    if ((long) n * positions < 2) {
      throw new IllegalArgumentException(
          "batchNorm: training needs more than one value per channel, got input " + x.shape());
    }
    for (Tensor t : new Tensor[] {weight, bias}) {
      if (t != null) {
        if (!t.shape().equals(Shape.of(c))) {
          throw new IllegalArgumentException(
              "batchNorm: weight and bias must be [" + c + "], got " + t.shape());
        }
        Checks.sameDevice("batchNorm", x, t);
      }
    }
    Optional<FusedBatchNorm> fused = x.backend().capability(FusedBatchNorm.class);
    if (fused.isPresent() && fused.get().supports(x.dtype()) && c > 0) {
      return fusedBatchNorm(fused.get(), x, weight, bias, eps);
    }
    Tensor mean = x.mean(2, true).mean(0, true);
    Tensor centred = x.sub(mean);
    Tensor var = centred.square().mean(2, true).mean(0, true);
    Tensor y = centred.div(Elementwise.sqrt(var.add(eps)));
    if (weight != null) {
      y = y.mul(Shapes.reshape(weight, 1, c, 1));
    }
    if (bias != null) {
      y = y.add(Shapes.reshape(bias, 1, c, 1));
    }
    return new Tensor[] {y, Shapes.reshape(mean.detach(), c), Shapes.reshape(var.detach(), c)};
  }

  /** {@link #batchNorm} through the backend's {@link FusedBatchNorm}, on contiguous operands. */
  private static Tensor[] fusedBatchNorm(
      FusedBatchNorm fused, Tensor x, Tensor weight, Tensor bias, double eps) {
    int n = x.dim(0);
    int c = x.dim(1);
    int positions = x.dim(2);
    Tensor xd = Shapes.dense(x);
    Tensor wd = weight == null ? null : Shapes.dense(weight);
    Tensor bd = bias == null ? null : Shapes.dense(bias);
    Tensor y = Tensor.allocateForOverwrite(x.backend(), x.shape(), x.dtype());
    Tensor mean = Tensor.allocateForOverwrite(x.backend(), Shape.of(c), x.dtype());
    Tensor var = Tensor.allocateForOverwrite(x.backend(), Shape.of(c), x.dtype());
    fused.forward(
        xd.buffer(),
        wd == null ? null : wd.buffer(),
        bd == null ? null : bd.buffer(),
        n,
        c,
        positions,
        eps,
        y.buffer(),
        mean.buffer(),
        var.buffer());
    Tensor out =
        Autograd.record(
            y,
            "batchNorm",
            new Tensor[] {xd, wd, mean, var},
            g -> {
              Tensor gd = Shapes.dense(g);
              Tensor gx =
                  x.requiresGrad()
                      ? Tensor.allocateForOverwrite(g.backend(), x.shape(), g.dtype())
                      : null;
              Tensor gw =
                  weight != null && weight.requiresGrad()
                      ? Tensor.allocateForOverwrite(g.backend(), weight.shape(), g.dtype())
                      : null;
              Tensor gb =
                  bias != null && bias.requiresGrad()
                      ? Tensor.allocateForOverwrite(g.backend(), bias.shape(), g.dtype())
                      : null;
              fused.backward(
                  gd.buffer(),
                  xd.buffer(),
                  wd == null ? null : wd.buffer(),
                  mean.buffer(),
                  var.buffer(),
                  n,
                  c,
                  positions,
                  eps,
                  gx == null ? null : gx.buffer(),
                  gw == null ? null : gw.buffer(),
                  gb == null ? null : gb.buffer());
              return new Tensor[] {gx, gw, gb};
            },
            x,
            weight,
            bias);
    return new Tensor[] {out, mean, var};
  }
}

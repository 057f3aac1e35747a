package dev.heed.core.tensor;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;

/** Operations specific to neural networks: softmax, embeddings (gather), one-hot, dropout. */
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
}

package dev.heed.core.tensor;

import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;

/** Matrix products. */
public final class Linalg {
  private Linalg() {}

  /**
   * Matrix product with NumPy {@code matmul} semantics: the last two dimensions are matrices,
   * leading dimensions are batch dimensions and broadcast; a rank-1 left operand is a row vector
   * and a rank-1 right operand a column vector (that dimension is removed from the result).
   */
  public static Tensor matmul(Tensor a, Tensor b) {
    if (a.rank() == 0 || b.rank() == 0) {
      throw new IllegalArgumentException(
          "matmul: operands must have rank >= 1, got " + a.shape() + " and " + b.shape());
    }
    boolean vecA = a.rank() == 1;
    boolean vecB = b.rank() == 1;
    Tensor a2 = vecA ? Shapes.unsqueeze(a, 0) : a;
    Tensor b2 = vecB ? Shapes.unsqueeze(b, 1) : b;
    Tensor r = matmul(a2, b2, false, false);
    if (vecA) {
      r = Shapes.squeeze(r, -2);
    }
    if (vecB) {
      r = Shapes.squeeze(r, -1);
    }
    return r;
  }

  /**
   * {@code op(a)·op(b)} where {@code op} transposes the last two dimensions when asked, without
   * copying. Both operands have rank {@code >= 2}; leading dimensions broadcast.
   */
  public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
    Checks.sameDevice("matmul", a, b);
    Checks.floating("matmul", a);
    if (a.rank() < 2 || b.rank() < 2) {
      throw new IllegalArgumentException(
          "matmul: transposed operands need rank >= 2, got " + a.shape() + " and " + b.shape());
    }
    int m = transA ? a.dim(-1) : a.dim(-2);
    int ka = transA ? a.dim(-2) : a.dim(-1);
    int kb = transB ? b.dim(-1) : b.dim(-2);
    int n = transB ? b.dim(-2) : b.dim(-1);
    if (ka != kb) {
      throw new IllegalArgumentException(
          "matmul: inner dimensions differ: "
              + describe(a, transA)
              + " · "
              + describe(b, transB)
              + " ("
              + ka
              + " vs "
              + kb
              + ")");
    }
    Tensor ea = a;
    Tensor eb = b;
    int count = 1;
    long strideA = (long) m * ka;
    long strideB = (long) kb * n;
    Shape outShape;
    if (a.rank() == 2 && b.rank() == 2) {
      // no batch dimensions (a layer's product): no batch shapes to build and broadcast
      outShape = Shape.of(m, n);
    } else {
      Shape batchA = batchShape(a);
      Shape batchB = batchShape(b);
      Shape batch = Shape.broadcast("matmul (batch dimensions)", batchA, batchB);
      if (!(batchA.size() == 1 || batchA.equals(batch))) {
        ea = Shapes.expand(a, concat(batch, a.dim(-2), a.dim(-1)));
      }
      if (!(batchB.size() == 1 || batchB.equals(batch))) {
        eb = Shapes.expand(b, concat(batch, b.dim(-2), b.dim(-1)));
      }
      count = (int) batch.size();
      strideA = batchShape(ea).size() == 1 && count > 1 ? 0 : strideA;
      strideB = batchShape(eb).size() == 1 && count > 1 ? 0 : strideB;
      outShape = concat(batch, m, n);
    }
    Tensor out = Tensor.allocateForOverwrite(a.backend(), outShape, a.dtype());
    MatmulSpec spec =
        new MatmulSpec(
            count, m, n, ka, transA, transB, 0, strideA, 0, strideB, 0, (long) m * n, 1.0, 0.0);
    a.backend().matmul(spec, ea.buffer(), eb.buffer(), out.buffer());
    return Autograd.record(
        out,
        "matmul",
        g -> {
          Tensor ga = null;
          Tensor gb = null;
          if (a.requiresGrad()) {
            ga = transA ? matmul(b, g, transB, true) : matmul(g, b, false, !transB);
            ga = Shapes.sumTo(ga, a.shape());
          }
          if (b.requiresGrad()) {
            gb = transB ? matmul(g, a, true, transA) : matmul(a, g, !transA, false);
            gb = Shapes.sumTo(gb, b.shape());
          }
          return new Tensor[] {ga, gb};
        },
        a,
        b);
  }

  /**
   * A dense layer's affine map {@code x·Wᵀ + b} with PyTorch's weight layout: {@code x} is {@code
   * [..., in]}, {@code weight} is {@code [out, in]}, {@code bias} is {@code [out]} or null; the
   * result is {@code [..., out]}.
   */
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    if (weight.rank() != 2 || x.rank() < 1 || x.dim(-1) != weight.dim(1)) {
      throw new IllegalArgumentException(
          "linear: input "
              + x.shape()
              + " does not fit weight "
              + weight.shape()
              + " (expected input [..., "
              + (weight.rank() == 2 ? weight.dim(1) : "in")
              + "])");
    }
    int[] outDims = x.shape().with(-1, weight.dim(0)).dims();
    Tensor x2 = x.rank() == 2 ? x : Shapes.reshape(x, -1, x.dim(-1));
    Tensor y;
    if (bias == null) {
      y = matmul(x2, weight, false, true);
    } else if (bias.rank() == 1 && bias.dim(0) == weight.dim(0)) {
      y = affine(x2, weight, bias);
    } else {
      // a bias of another shape is added with broadcasting, as before (and as PyTorch does)
      y = Elementwise.add(matmul(x2, weight, false, true), bias);
    }
    return x.rank() == 2 ? y : Shapes.reshape(y, outDims);
  }

  /**
   * {@code x·Wᵀ + b} for a matrix {@code x [m, in]} and a bias {@code [out]} as one operation, as
   * BLAS {@code gemm} with {@code beta = 1} does it: the output starts as the bias repeated on
   * every row and the product is added to it, so no second pass over the output and no intermediate
   * product are needed. One node on the tape, whose backward gives {@code gx = g·W}, {@code gW =
   * gᵀ·x} and {@code gb = Σ rows of g}, each only when that input requires a gradient.
   */
  private static Tensor affine(Tensor x, Tensor weight, Tensor bias) {
    Checks.sameDevice("linear", x, weight);
    Checks.sameDevice("linear", x, bias);
    Checks.floating("linear", x);
    int m = x.dim(0);
    int k = x.dim(1);
    int n = weight.dim(0);
    // every element is written: first by the copy of the bias, then added to by the product
    Tensor out = Tensor.allocateForOverwrite(x.backend(), Shape.of(m, n), x.dtype());
    x.backend()
        .copy(
            bias.buffer(),
            new Layout(new int[] {m, n}, new long[] {0, 1}, 0),
            out.buffer(),
            Layout.contiguous(m, n));
    MatmulSpec spec =
        new MatmulSpec(
            1, m, n, k, false, true, 0, (long) m * k, 0, (long) n * k, 0, (long) m * n, 1.0, 1.0);
    x.backend().matmul(spec, x.buffer(), weight.buffer(), out.buffer());
    return Autograd.record(
        out,
        "linear",
        g ->
            new Tensor[] {
              x.requiresGrad() ? matmul(g, weight, false, false) : null,
              weight.requiresGrad() ? matmul(g, x, true, false) : null,
              bias.requiresGrad() ? Shapes.sumTo(g, bias.shape()) : null
            },
        x,
        weight,
        bias);
  }

  private static Shape batchShape(Tensor t) {
    int[] d = t.shape().dims();
    return Shape.of(java.util.Arrays.copyOf(d, d.length - 2));
  }

  private static Shape concat(Shape batch, int rows, int cols) {
    int[] d = java.util.Arrays.copyOf(batch.dims(), batch.rank() + 2);
    d[batch.rank()] = rows;
    d[batch.rank() + 1] = cols;
    return Shape.of(d);
  }

  private static String describe(Tensor t, boolean trans) {
    return t.shape() + (trans ? "ᵀ" : "");
  }
}

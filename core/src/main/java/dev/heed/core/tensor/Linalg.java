package dev.heed.core.tensor;

import dev.heed.core.backend.Kernels;
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
   * copying. Both operands have rank {@code >= 2}; leading dimensions broadcast. {@code b} may be
   * of a 16-bit storage type (frozen weights kept in BFLOAT16 or FLOAT16) when {@code a} is
   * FLOAT32: it is read as its widened values.
   */
  public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
    Checks.sameDeviceOrStoredWeight("matmul", a, b);
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
    Shape outShape;
    if (a.rank() == 2 && b.rank() == 2) {
      // no batch dimensions (a layer's product): no batch shapes to build and broadcast
      outShape = Shape.of(m, n);
    } else {
      Shape batch = Shape.broadcast("matmul (batch dimensions)", batchShape(a), batchShape(b));
      outShape = concat(batch, m, n);
    }
    Tensor out = Tensor.allocateForOverwrite(a.backend(), outShape, a.dtype());
    product(a, transA, b, transB, out, 0.0);
    return Autograd.record(
        out,
        "matmul",
        new Tensor[] {a, b},
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
    Checks.sameDeviceOrStoredWeight("linear", x, weight);
    Checks.sameDevice("linear", x, bias);
    Checks.floating("linear", x);
    int m = x.dim(0);
    int n = weight.dim(0);
    // every element is written: first by the copy of the bias, then added to by the product
    Shape outShape = Shape.of(m, n);
    Tensor out = Tensor.allocateForOverwrite(x.backend(), outShape, x.dtype());
    Kernels.copy(
        x.backend(), bias.buffer(), Broadcast.layout(bias, outShape), out.buffer(), out.layout());
    product(x, false, weight, true, out, 1.0);
    return Autograd.record(
        out,
        "linear",
        new Tensor[] {x, weight},
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

  /**
   * {@code out = op(a)·op(b) + beta·out} into the contiguous {@code out}, whose batch shape is the
   * broadcast of the operands' batch shapes: operands are read where they lie when each matrix is a
   * row-major or transposed view (a leading dimension of any size) and the batch dimensions merge
   * into runs of one stride; otherwise the operand is copied first. Batch dimensions that do not
   * merge into one run are looped over, one kernel per outer batch entry.
   */
  private static void product(
      Tensor a, boolean transA, Tensor b, boolean transB, Tensor out, double beta) {
    if (a.dense() && b.dense() && out.rank() == 2 && a.rank() == 2 && b.rank() == 2) {
      // two whole matrices (a layer's product): the plain spec, no operand analysis
      int m = out.dim(0);
      int n = out.dim(1);
      int k = transA ? a.dim(0) : a.dim(1);
      Kernels.matmul(
          out.backend(),
          new MatmulSpec(1, m, n, k, transA, transB, 0, 0, 0, 0, 0, 0, 1.0, beta),
          a.buffer(),
          b.buffer(),
          out.buffer());
      return;
    }
    Operand pa = Operand.of(a, transA);
    Operand pb = Operand.of(b, transB);
    int rank = out.rank();
    int m = out.dim(-2);
    int n = out.dim(-1);
    int k = transA ? a.dim(-2) : a.dim(-1);
    int batchRank = rank - 2;
    if (batchRank == 0) {
      // one matrix (a layer's product): no batch dimensions to merge
      Kernels.matmul(
          out.backend(),
          new MatmulSpec(
              1,
              m,
              n,
              k,
              pa.trans,
              pb.trans,
              pa.offset,
              0,
              pb.offset,
              0,
              out.offset(),
              0,
              1.0,
              beta,
              pa.ld,
              pb.ld),
          pa.tensor.buffer(),
          pb.tensor.buffer(),
          out.buffer());
      return;
    }
    // per batch dimension: extent, and the strides of A, B and C (0 where an operand broadcasts)
    int[] extent = new int[batchRank];
    long[] sa = new long[batchRank];
    long[] sb = new long[batchRank];
    long[] sc = new long[batchRank];
    Layout cl = out.layout();
    for (int d = 0; d < batchRank; d++) {
      extent[d] = out.dim(d);
      sa[d] = pa.batchStride(d, batchRank, extent[d]);
      sb[d] = pb.batchStride(d, batchRank, extent[d]);
      sc[d] = cl.stride(d);
    }
    // merge batch dimensions, innermost first, into runs that one stride describes for all three
    int runs = 0;
    int[] runExtent = new int[Math.max(1, batchRank)];
    long[] runA = new long[Math.max(1, batchRank)];
    long[] runB = new long[Math.max(1, batchRank)];
    long[] runC = new long[Math.max(1, batchRank)];
    for (int d = batchRank - 1; d >= 0; d--) {
      if (extent[d] == 1) {
        continue;
      }
      if (runs > 0) {
        int r = runs - 1;
        if (sa[d] == runA[r] * runExtent[r]
            && sb[d] == runB[r] * runExtent[r]
            && sc[d] == runC[r] * runExtent[r]
            && (long) runExtent[r] * extent[d] <= Integer.MAX_VALUE) {
          runExtent[r] *= extent[d];
          continue;
        }
      }
      runExtent[runs] = extent[d];
      runA[runs] = sa[d];
      runB[runs] = sb[d];
      runC[runs] = sc[d];
      runs++;
    }
    int inner = runs == 0 ? 1 : runExtent[0];
    long innerA = runs == 0 ? 0 : runA[0];
    long innerB = runs == 0 ? 0 : runB[0];
    long innerC = runs == 0 ? (long) m * n : runC[0];
    // the outer runs (indices 1 … runs-1) are looped over as an odometer
    int[] counter = new int[Math.max(0, runs - 1)];
    long offA = pa.offset;
    long offB = pb.offset;
    long offC = cl.offset();
    while (true) {
      MatmulSpec spec =
          new MatmulSpec(
              inner, m, n, k, pa.trans, pb.trans, offA, innerA, offB, innerB, offC, innerC, 1.0,
              beta, pa.ld, pb.ld);
      Kernels.matmul(out.backend(), spec, pa.tensor.buffer(), pb.tensor.buffer(), out.buffer());
      int r = 0;
      while (r < counter.length) {
        counter[r]++;
        offA += runA[r + 1];
        offB += runB[r + 1];
        offC += runC[r + 1];
        if (counter[r] < runExtent[r + 1]) {
          break;
        }
        offA -= runA[r + 1] * runExtent[r + 1];
        offB -= runB[r + 1] * runExtent[r + 1];
        offC -= runC[r + 1] * runExtent[r + 1];
        counter[r] = 0;
        r++;
      }
      if (r == counter.length) {
        return;
      }
    }
  }

  /**
   * How a product reads one operand: the tensor (the operand itself, or a contiguous copy of it),
   * whether its matrices are stored transposed relative to the product's {@code op}, their leading
   * dimension, and the offset of the first matrix.
   */
  private record Operand(Tensor tensor, boolean trans, int ld, long offset) {

    static Operand of(Tensor x, boolean opTrans) {
      Operand o = read(x, opTrans);
      return o != null ? o : read(Shapes.copy(x), opTrans);
    }

    /** The operand as it lies, or null when its last two dimensions are not a strided matrix. */
    private static Operand read(Tensor x, boolean opTrans) {
      Layout l = x.layout();
      int r = l.rank();
      int rows = l.dim(r - 2);
      int cols = l.dim(r - 1);
      long rs = l.stride(r - 2);
      long cs = l.stride(r - 1);
      if ((cols <= 1 || cs == 1) && (rows <= 1 || rs >= cols) && rs <= Integer.MAX_VALUE) {
        int ld = rows <= 1 ? Math.max(1, cols) : (int) rs;
        return new Operand(x, opTrans, ld, l.offset());
      }
      if ((rows <= 1 || rs == 1) && (cols <= 1 || cs >= rows) && cs <= Integer.MAX_VALUE) {
        int ld = cols <= 1 ? Math.max(1, rows) : (int) cs;
        return new Operand(x, !opTrans, ld, l.offset());
      }
      return null;
    }

    /**
     * The stride of batch dimension {@code d} of a product with {@code batchRank} batch dimensions
     * (0 where this operand broadcasts).
     */
    long batchStride(int d, int batchRank, int extent) {
      Layout l = tensor.layout();
      int shift = batchRank - (l.rank() - 2);
      int j = d - shift;
      return j < 0 || l.dim(j) != extent ? 0 : l.stride(j);
    }
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

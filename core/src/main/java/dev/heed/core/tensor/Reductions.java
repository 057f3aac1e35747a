package dev.heed.core.tensor;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;

/** Reductions along an axis or over all elements. */
public final class Reductions {
  private Reductions() {}

  static Tensor reduceRaw(String name, ReduceOp op, Tensor x, int axis) {
    if (!op.producesIndices()) {
      Checks.floating(name, x);
    }
    Shape s = x.shape();
    int a = s.axis(axis);
    if (op.producesIndices() && s.dim(a) == 0) {
      throw new IllegalArgumentException(name + ": axis " + axis + " of shape " + s + " is empty");
    }
    Layout l = Views.around(x.layout(), a);
    Tensor src = x;
    if (l == null) {
      src = Shapes.copy(x);
      l = Views.around(src.layout(), a);
    }
    // the reduction writes every output element
    Tensor out =
        Tensor.allocateForOverwrite(
            x.backend(), s.without(a), op.producesIndices() ? DType.INT32 : x.dtype());
    Kernels.reduce(x.backend(), op, src.buffer(), l, out.buffer());
    if (op.producesIndices()) {
      out.knowIndexBound(s.dim(a));
    }
    return out;
  }

  /** Sum along {@code axis}; with {@code keepDim} the axis stays with extent 1. */
  public static Tensor sum(Tensor x, int axis, boolean keepDim) {
    int a = x.shape().axis(axis);
    Shape keepShape = x.shape().with(a, 1);
    Tensor out = reduceRaw("sum", ReduceOp.SUM, x, a);
    return Autograd.record(
        keepDim ? Shapes.reshape(out, keepShape.dims()) : out,
        "sum",
        Autograd.NONE,
        g -> new Tensor[] {Shapes.expand(Shapes.reshape(g, keepShape.dims()), x.shape())},
        x);
  }

  /** Sum of all elements, as a rank-0 tensor. */
  public static Tensor sum(Tensor x) {
    Tensor out = sumAll("sum", x);
    return Autograd.record(
        out, "sum", Autograd.NONE, g -> new Tensor[] {Shapes.expand(g, x.shape())}, x);
  }

  /**
   * The sum of all elements as a rank-0 tensor, not recorded: one reduction over the elements as
   * they lie (no flattened view on the tape).
   */
  private static Tensor sumAll(String name, Tensor x) {
    Checks.floating(name, x);
    Tensor src = x.isContiguous() ? x : Shapes.copy(x);
    Tensor out = Tensor.allocateForOverwrite(x.backend(), Shape.scalar(), x.dtype());
    Layout all = src.dense() ? src.shape().flat() : Views.flat(src.layout());
    Kernels.reduce(x.backend(), ReduceOp.SUM, src.buffer(), all, out.buffer());
    return out;
  }

  /** Mean along {@code axis}. */
  public static Tensor mean(Tensor x, int axis, boolean keepDim) {
    int n = x.shape().dim(axis);
    return Elementwise.affine(sum(x, axis, keepDim), 1.0 / n, 0);
  }

  /** Mean of all elements, as a rank-0 tensor. */
  public static Tensor mean(Tensor x) {
    // the sum, scaled where it lies: one tensor and one tape node (a loss's last step)
    double scale = 1.0 / x.size();
    Tensor out = sumAll("mean", x);
    Kernels.unary(
        x.backend(),
        UnaryOp.AFFINE,
        scale,
        0,
        out.buffer(),
        out.layout(),
        out.buffer(),
        out.layout());
    return Autograd.record(
        out,
        "mean",
        Autograd.NONE,
        g -> new Tensor[] {Elementwise.affine(Shapes.expand(g, x.shape()), scale, 0)},
        x);
  }

  /** Maximum along {@code axis}; the gradient is split evenly among tied maxima. */
  public static Tensor max(Tensor x, int axis, boolean keepDim) {
    return extremum("max", ReduceOp.MAX, x, axis, keepDim);
  }

  /** Minimum along {@code axis}; the gradient is split evenly among tied minima. */
  public static Tensor min(Tensor x, int axis, boolean keepDim) {
    return extremum("min", ReduceOp.MIN, x, axis, keepDim);
  }

  private static Tensor extremum(String name, ReduceOp op, Tensor x, int axis, boolean keepDim) {
    int a = x.shape().axis(axis);
    Shape keepShape = x.shape().with(a, 1);
    Tensor out = reduceRaw(name, op, x, a);
    Tensor result = keepDim ? Shapes.reshape(out, keepShape.dims()) : out;
    return Autograd.record(
        result,
        name,
        new Tensor[] {x, out},
        g -> {
          Tensor hit = Elementwise.equal(x, Shapes.reshape(out, keepShape.dims()));
          Tensor count = reduceRaw(name, ReduceOp.SUM, hit, a);
          Tensor share = Elementwise.div(hit, Shapes.reshape(count, keepShape.dims()));
          return new Tensor[] {Elementwise.mul(share, Shapes.reshape(g, keepShape.dims()))};
        },
        x);
  }

  /** Index of the largest element along {@code axis} (INT32; the first on ties); no gradient. */
  public static Tensor argmax(Tensor x, int axis) {
    return reduceRaw("argmax", ReduceOp.ARGMAX, x, axis);
  }

  /** Index of the smallest element along {@code axis} (INT32; the first on ties); no gradient. */
  public static Tensor argmin(Tensor x, int axis) {
    return reduceRaw("argmin", ReduceOp.ARGMIN, x, axis);
  }
}

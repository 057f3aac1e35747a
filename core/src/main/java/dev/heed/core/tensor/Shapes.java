package dev.heed.core.tensor;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import java.util.Arrays;
import java.util.List;

/** Operations that rearrange elements: reshape, transpose, broadcast, slice, concatenate, cast. */
public final class Shapes {
  private Shapes() {}

  /**
   * The same elements under another shape of equal size (shares the data). One extent may be -1,
   * inferred from the others.
   */
  public static Tensor reshape(Tensor x, int... dims) {
    int[] d = dims.clone();
    int infer = -1;
    long known = 1;
    for (int k = 0; k < d.length; k++) {
      if (d[k] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException(
              "reshape " + x.shape() + " to " + Arrays.toString(dims) + ": only one -1 allowed");
        }
        infer = k;
      } else {
        known *= d[k];
      }
    }
    if (infer >= 0) {
      if (known == 0 || x.size() % known != 0) {
        throw new IllegalArgumentException(
            "reshape "
                + x.shape()
                + " to "
                + Arrays.toString(dims)
                + ": "
                + x.size()
                + " elements do not divide evenly");
      }
      d[infer] = (int) (x.size() / known);
    }
    Shape target = Shape.of(d);
    if (target.size() != x.size()) {
      throw new IllegalArgumentException(
          "reshape: cannot view "
              + x.shape()
              + " ("
              + x.size()
              + " elements) as "
              + target
              + " ("
              + target.size()
              + " elements)");
    }
    if (target.equals(x.shape()) && !x.requiresGrad()) {
      return x.view(target);
    }
    Shape original = x.shape();
    return Autograd.record(
        x.view(target), "reshape", g -> new Tensor[] {reshape(g, original.dims())}, x);
  }

  /** Inserts a dimension of extent 1 at {@code axis} (which may equal the rank). */
  public static Tensor unsqueeze(Tensor x, int axis) {
    int rank = x.rank();
    int a = axis < 0 ? axis + rank + 1 : axis;
    if (a < 0 || a > rank) {
      throw new IllegalArgumentException(
          "unsqueeze: axis " + axis + " out of range for shape " + x.shape());
    }
    int[] d = new int[rank + 1];
    for (int k = 0, j = 0; k <= rank; k++) {
      d[k] = k == a ? 1 : x.shape().dim(j++);
    }
    return reshape(x, d);
  }

  /** Removes dimension {@code axis}, which must have extent 1. */
  public static Tensor squeeze(Tensor x, int axis) {
    int a = x.shape().axis(axis);
    if (x.shape().dim(a) != 1) {
      throw new IllegalArgumentException(
          "squeeze: axis " + axis + " of shape " + x.shape() + " is not 1");
    }
    return reshape(x, x.shape().without(a).dims());
  }

  /** A contiguous copy, with an identity gradient. */
  public static Tensor copy(Tensor x) {
    Tensor out = Tensor.allocate(x.backend(), x.shape(), x.dtype());
    x.backend().copy(x.buffer(), x.layout(), out.buffer(), out.layout());
    return Autograd.record(out, "copy", g -> new Tensor[] {g}, x);
  }

  /** A copy converted to {@code dtype}; gradients convert back. */
  public static Tensor cast(Tensor x, DType dtype) {
    if (dtype == x.dtype()) {
      return copy(x);
    }
    Tensor out = Tensor.allocate(x.backend(), x.shape(), dtype);
    x.backend().copy(x.buffer(), x.layout(), out.buffer(), out.layout());
    if (!dtype.isFloatingPoint() || !x.dtype().isFloatingPoint()) {
      return out;
    }
    DType back = x.dtype();
    return Autograd.record(out, "cast", g -> new Tensor[] {cast(g, back)}, x);
  }

  /** Reorders dimensions: output dimension {@code k} is input dimension {@code axes[k]}. */
  public static Tensor permute(Tensor x, int... axes) {
    int rank = x.rank();
    if (axes.length != rank) {
      throw new IllegalArgumentException(
          "permute: "
              + Arrays.toString(axes)
              + " does not list the "
              + rank
              + " axes of "
              + x.shape());
    }
    long[] contiguous = x.layout().strides();
    int[] shape = new int[rank];
    long[] strides = new long[rank];
    int[] inverse = new int[rank];
    boolean[] used = new boolean[rank];
    for (int k = 0; k < rank; k++) {
      int a = x.shape().axis(axes[k]);
      if (used[a]) {
        throw new IllegalArgumentException(
            "permute: axis " + axes[k] + " repeated in " + Arrays.toString(axes));
      }
      used[a] = true;
      shape[k] = x.shape().dim(a);
      strides[k] = contiguous[a];
      inverse[a] = k;
    }
    Tensor out = Tensor.allocate(x.backend(), Shape.of(shape), x.dtype());
    x.backend().copy(x.buffer(), new Layout(shape, strides, 0), out.buffer(), out.layout());
    return Autograd.record(out, "permute", g -> new Tensor[] {permute(g, inverse)}, x);
  }

  /** Swaps two dimensions (a copy). */
  public static Tensor transpose(Tensor x, int axis0, int axis1) {
    int rank = x.rank();
    int[] axes = new int[rank];
    for (int k = 0; k < rank; k++) {
      axes[k] = k;
    }
    int a = x.shape().axis(axis0);
    int b = x.shape().axis(axis1);
    axes[a] = b;
    axes[b] = a;
    return permute(x, axes);
  }

  /** Broadcasts {@code x} to {@code shape} (a copy); the gradient sums back. */
  public static Tensor expand(Tensor x, Shape shape) {
    Shape out = Shape.broadcast("expand", x.shape(), shape);
    if (!out.equals(shape)) {
      throw new IllegalArgumentException(
          "expand: " + x.shape() + " cannot be broadcast to " + shape);
    }
    Tensor r = Tensor.allocateForOverwrite(x.backend(), shape, x.dtype()); // the copy fills it
    x.backend().copy(x.buffer(), Broadcast.layout(x, shape), r.buffer(), r.layout());
    Shape original = x.shape();
    return Autograd.record(r, "expand", g -> new Tensor[] {sumTo(g, original)}, x);
  }

  /**
   * Sums {@code x} down to {@code shape}, undoing a broadcast: leading dimensions are summed away
   * and dimensions where {@code shape} has extent 1 are summed with the extent kept.
   */
  public static Tensor sumTo(Tensor x, Shape shape) {
    if (x.shape().equals(shape)) {
      return x;
    }
    Shape check = Shape.broadcast("sumTo", shape, x.shape());
    if (!check.equals(x.shape())) {
      throw new IllegalArgumentException("sumTo: " + x.shape() + " is not a broadcast of " + shape);
    }
    Tensor t = x;
    int shift = x.rank() - shape.rank();
    for (int k = 0; k < shift; k++) {
      t = Reductions.sum(t, 0, false);
    }
    for (int k = 0; k < shape.rank(); k++) {
      if (shape.dim(k) == 1 && t.shape().dim(k) != 1) {
        t = Reductions.sum(t, k, true);
      }
    }
    return t;
  }

  /** Elements {@code [start, end)} along {@code axis} (a copy). */
  public static Tensor slice(Tensor x, int axis, int start, int end) {
    int a = x.shape().axis(axis);
    int n = x.shape().dim(a);
    if (start < 0 || end > n || start > end) {
      throw new IllegalArgumentException(
          "slice: ["
              + start
              + ", "
              + end
              + ") is not within axis "
              + axis
              + " of shape "
              + x.shape()
              + " (extent "
              + n
              + ")");
    }
    Shape outShape = x.shape().with(a, end - start);
    long[] strides = x.layout().strides();
    Layout src =
        new Layout(outShape.dims(), strides, start * (a < strides.length ? strides[a] : 1));
    Tensor out = Tensor.allocate(x.backend(), outShape, x.dtype());
    x.backend().copy(x.buffer(), src, out.buffer(), out.layout());
    Shape original = x.shape();
    return Autograd.record(
        out,
        "slice",
        g -> {
          Tensor full = Tensor.allocate(g.backend(), original, g.dtype());
          g.backend().copy(g.buffer(), g.layout(), full.buffer(), src);
          return new Tensor[] {full};
        },
        x);
  }

  /** Joins tensors along {@code axis}; all other extents must agree. */
  public static Tensor concat(int axis, List<Tensor> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("concat: no tensors given");
    }
    Tensor first = parts.getFirst();
    int a = first.shape().axis(axis);
    int total = 0;
    for (Tensor t : parts) {
      Checks.sameDevice("concat", first, t);
      if (t.rank() != first.rank() || !t.shape().with(a, 0).equals(first.shape().with(a, 0))) {
        throw new IllegalArgumentException(
            "concat along axis "
                + axis
                + ": shapes "
                + first.shape()
                + " and "
                + t.shape()
                + " differ in another axis");
      }
      total += t.shape().dim(a);
    }
    Shape outShape = first.shape().with(a, total);
    Tensor out = Tensor.allocate(first.backend(), outShape, first.dtype());
    long[] strides = out.layout().strides();
    int offset = 0;
    int[] starts = new int[parts.size()];
    for (int i = 0; i < parts.size(); i++) {
      Tensor t = parts.get(i);
      starts[i] = offset;
      Layout dst = new Layout(t.shape().dims(), strides, offset * strides[a]);
      t.backend().copy(t.buffer(), t.layout(), out.buffer(), dst);
      offset += t.shape().dim(a);
    }
    Tensor[] inputs = parts.toArray(Tensor[]::new);
    return Autograd.record(
        out,
        "concat",
        g -> {
          Tensor[] grads = new Tensor[inputs.length];
          for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].requiresGrad()) {
              grads[i] = slice(g, a, starts[i], starts[i] + inputs[i].shape().dim(a));
            }
          }
          return grads;
        },
        inputs);
  }
}

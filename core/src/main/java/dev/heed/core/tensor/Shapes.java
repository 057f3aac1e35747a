package dev.heed.core.tensor;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.Kernels;
import dev.heed.core.backend.Layout;
import java.util.Arrays;
import java.util.List;

/**
 * Operations that rearrange elements. Reshape (where the strides allow), unsqueeze, squeeze,
 * permute, transpose, expand, slice and select are views: they share the input's storage, cost no
 * kernel, and record how their gradient maps back. Concatenation, copy and cast make new tensors.
 */
public final class Shapes {
  private Shapes() {}

  /**
   * The same elements under another shape of equal size: a view when the input's strides allow it
   * (always for a contiguous input), otherwise a contiguous copy reshaped. One extent may be -1,
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
      } else if (d[k] < 0) {
        throw new IllegalArgumentException(
            "reshape " + x.shape() + " to " + Arrays.toString(dims) + ": negative extent " + d[k]);
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
    Tensor source = x;
    Layout view = null; // null: contiguous from element 0, the target shape's own layout
    if (!x.dense()) {
      Layout l = x.layout();
      long[] strides =
          l.isContiguous()
              ? Layout.contiguous(target.dims()).strides()
              : Views.restride(x.shape(), l, target);
      if (strides == null) {
        // the strides do not allow a view: reshape a contiguous copy (recorded)
        source = copy(x);
      } else {
        view = new Layout(target.dims(), strides, l.offset());
      }
    }
    Tensor out = source.view(target, view);
    Shape original = source.shape();
    return Autograd.recordView(
        out, "reshape", g -> new Tensor[] {reshape(g, original.dims())}, source);
  }

  /** A view of {@code x} with the given layout (shape, strides and offset in its storage). */
  static Tensor view(Tensor x, String op, Layout layout, Node.Backward backward) {
    Tensor out = x.view(Shape.of(layout.shape()), layout);
    return Autograd.recordView(out, op, backward, x);
  }

  /** Inserts a dimension of extent 1 at {@code axis} (which may equal the rank); a view. */
  public static Tensor unsqueeze(Tensor x, int axis) {
    int rank = x.rank();
    int a = axis < 0 ? axis + rank + 1 : axis;
    if (a < 0 || a > rank) {
      throw new IllegalArgumentException(
          "unsqueeze: axis " + axis + " out of range for shape " + x.shape());
    }
    Layout l = x.layout();
    int[] d = new int[rank + 1];
    long[] st = new long[rank + 1];
    for (int k = 0, j = 0; k <= rank; k++) {
      if (k == a) {
        d[k] = 1;
        st[k] = a < rank ? l.stride(a) * Math.max(1, l.dim(a)) : 1;
      } else {
        d[k] = l.dim(j);
        st[k] = l.stride(j++);
      }
    }
    return view(x, "unsqueeze", new Layout(d, st, l.offset()), g -> new Tensor[] {squeeze(g, a)});
  }

  /** Removes dimension {@code axis}, which must have extent 1; a view. */
  public static Tensor squeeze(Tensor x, int axis) {
    int a = x.shape().axis(axis);
    if (x.shape().dim(a) != 1) {
      throw new IllegalArgumentException(
          "squeeze: axis " + axis + " of shape " + x.shape() + " is not 1");
    }
    Layout l = x.layout();
    int rank = x.rank();
    int[] d = new int[rank - 1];
    long[] st = new long[rank - 1];
    for (int k = 0, j = 0; k < rank; k++) {
      if (k != a) {
        d[j] = l.dim(k);
        st[j++] = l.stride(k);
      }
    }
    return view(x, "squeeze", new Layout(d, st, l.offset()), g -> new Tensor[] {unsqueeze(g, a)});
  }

  /** A contiguous copy, with an identity gradient. */
  public static Tensor copy(Tensor x) {
    Tensor out = Tensor.allocateForOverwrite(x.backend(), x.shape(), x.dtype());
    Kernels.copy(x.backend(), x.buffer(), x.layout(), out.buffer(), out.layout());
    out.knowIndexBound(x.knownIndexBound());
    return Autograd.recordView(out, "copy", g -> new Tensor[] {g}, x);
  }

  /**
   * {@code x} itself when it is contiguous from element 0 of its buffer, else a contiguous copy.
   */
  static Tensor dense(Tensor x) {
    return x.dense() ? x : copy(x);
  }

  /**
   * A copy converted to {@code dtype}; gradients convert back. To or from a 16-bit storage type the
   * values go through the host as floats (widening is exact; narrowing rounds to nearest even, a
   * FLOAT64 tensor through float) and no gradient is recorded.
   */
  public static Tensor cast(Tensor x, DType dtype) {
    if (dtype == x.dtype() && !dtype.isStorageOnly()) {
      return copy(x);
    }
    if (dtype.isStorageOnly() || x.dtype().isStorageOnly()) {
      int[] dims = x.shape().dims();
      return switch (dtype) {
        case FLOAT64 -> Tensors.of(x.backend(), dtype, x.toDoubleArray(), dims);
        case FLOAT32, BFLOAT16, FLOAT16 -> Tensors.of(x.backend(), dtype, x.toFloatArray(), dims);
        case INT32 ->
            throw new IllegalArgumentException(
                "cast: a " + x.dtype() + " tensor does not convert to INT32");
      };
    }
    Tensor out = Tensor.allocateForOverwrite(x.backend(), x.shape(), dtype);
    Kernels.copy(x.backend(), x.buffer(), x.layout(), out.buffer(), out.layout());
    if (!dtype.isFloatingPoint() || !x.dtype().isFloatingPoint()) {
      return out;
    }
    DType back = x.dtype();
    return Autograd.recordView(out, "cast", g -> new Tensor[] {cast(g, back)}, x);
  }

  /** Reorders dimensions: output dimension {@code k} is input dimension {@code axes[k]}; a view. */
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
    Layout l = x.layout();
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
      shape[k] = l.dim(a);
      strides[k] = l.stride(a);
      inverse[a] = k;
    }
    return view(
        x,
        "permute",
        new Layout(shape, strides, l.offset()),
        g -> new Tensor[] {permute(g, inverse)});
  }

  /** Swaps two dimensions; a view. */
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

  /**
   * Broadcasts {@code x} to {@code shape}: a view in which the broadcast dimensions have stride 0
   * (so it must not be written to); the gradient sums back.
   */
  public static Tensor expand(Tensor x, Shape shape) {
    Shape out = Shape.broadcast("expand", x.shape(), shape);
    if (!out.equals(shape)) {
      throw new IllegalArgumentException(
          "expand: " + x.shape() + " cannot be broadcast to " + shape);
    }
    if (shape.equals(x.shape())) {
      return x;
    }
    Shape original = x.shape();
    return view(x, "expand", Broadcast.layout(x, shape), g -> new Tensor[] {sumTo(g, original)});
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

  /** Elements {@code [start, end)} along {@code axis}; a view. */
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
    Layout l = x.layout();
    Shape outShape = x.shape().with(a, end - start);
    long offset = l.offset() + (end > start ? start * l.stride(a) : 0);
    Shape original = x.shape();
    Layout within =
        new Layout(
            outShape.dims(),
            Layout.contiguous(original.dims()).strides(),
            start * Layout.contiguous(original.dims()).stride(a));
    return view(
        x,
        "slice",
        new Layout(outShape.dims(), l.strides(), offset),
        g -> new Tensor[] {Views.scatterInto(g, original, within)});
  }

  /** Elements {@code [start, start + length)} along {@code axis}; a view (PyTorch's narrow). */
  public static Tensor narrow(Tensor x, int axis, int start, int length) {
    return slice(x, axis, start, start + length);
  }

  /** Element {@code index} along {@code axis}, that dimension removed; a view. */
  public static Tensor select(Tensor x, int axis, int index) {
    int a = x.shape().axis(axis);
    int n = x.shape().dim(a);
    if (index < -n || index >= n) {
      throw new IllegalArgumentException(
          "select: index "
              + index
              + " is outside axis "
              + axis
              + " of shape "
              + x.shape()
              + " (extent "
              + n
              + ")");
    }
    int i = index < 0 ? index + n : index;
    Layout l = x.layout();
    int rank = x.rank();
    int[] d = new int[rank - 1];
    long[] st = new long[rank - 1];
    for (int k = 0, j = 0; k < rank; k++) {
      if (k != a) {
        d[j] = l.dim(k);
        st[j++] = l.stride(k);
      }
    }
    Shape original = x.shape();
    int[] contiguous = original.dims();
    long[] cs = Layout.contiguous(contiguous).strides();
    long[] within = new long[rank - 1];
    for (int k = 0, j = 0; k < rank; k++) {
      if (k != a) {
        within[j++] = cs[k];
      }
    }
    Layout place = new Layout(d, within, i * cs[a]);
    return view(
        x,
        "select",
        new Layout(d, st, l.offset() + i * l.stride(a)),
        g -> new Tensor[] {Views.scatterInto(g, original, place)});
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
    Tensor out = Tensor.allocateForOverwrite(first.backend(), outShape, first.dtype());
    long[] strides = out.layout().strides();
    int offset = 0;
    int[] starts = new int[parts.size()];
    long bound = first.dtype() == DType.INT32 ? 0 : -1;
    for (int i = 0; i < parts.size(); i++) {
      Tensor t = parts.get(i);
      starts[i] = offset;
      Layout dst = new Layout(t.shape().dims(), strides, offset * strides[a]);
      Kernels.copy(t.backend(), t.buffer(), t.layout(), out.buffer(), dst);
      offset += t.shape().dim(a);
      bound = bound < 0 || t.knownIndexBound() < 0 ? -1 : Math.max(bound, t.knownIndexBound());
    }
    out.knowIndexBound(bound);
    Tensor[] inputs = parts.toArray(Tensor[]::new);
    return Autograd.record(
        out,
        "concat",
        Autograd.NONE,
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

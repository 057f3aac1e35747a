package dev.heed.core.tensor;

import dev.heed.core.backend.Layout;
import java.util.Arrays;

/**
 * The extents of a tensor's dimensions, outermost first. A rank-0 shape is a scalar with one
 * element. Dimensions may be 0 (an empty tensor). Immutable and thread-safe.
 */
public final class Shape {
  private static final Shape SCALAR = new Shape(new int[0]);
  private final int[] dims;

  /** {@link #size()}, computed once (the shape is immutable). */
  private final long size;

  /** The contiguous layout of this shape, made on first use (see {@link #layout()}). */
  private Layout layout;

  /** All elements as one run {@code [1, size, 1]}, made on first use (see {@link #flat()}). */
  private Layout flat;

  private Shape(int[] dims) {
    this.dims = dims;
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    this.size = n;
  }

  /**
   * The contiguous row-major layout of this shape at offset 0, made once per shape object: every
   * tensor of this shape object shares it (layouts are immutable).
   */
  Layout layout() {
    Layout l = layout;
    if (l == null) {
      l = Layout.contiguous(dims);
      layout = l; // immutable, so a race only makes it twice
    }
    return l;
  }

  /**
   * All elements of a contiguous tensor of this shape as the rank-3 layout {@code [1, size, 1]} at
   * offset 0 (a reduction over every element), made once per shape object.
   */
  Layout flat() {
    Layout l = flat;
    if (l == null) {
      l = Layout.contiguous(1, (int) size, 1);
      flat = l;
    }
    return l;
  }

  /** A shape with the given extents, each {@code >= 0}. */
  public static Shape of(int... dims) {
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(dims) + " has a negative dimension");
      }
    }
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  /** The rank-0 shape. */
  public static Shape scalar() {
    return SCALAR;
  }

  /** Number of dimensions. */
  public int rank() {
    return dims.length;
  }

  /** Extent of dimension {@code axis}; negative axes count from the end (-1 is the last). */
  public int dim(int axis) {
    return dims[axis(axis)];
  }

  /** A copy of the extents. */
  public int[] dims() {
    return dims.clone();
  }

  /** Number of elements. */
  public long size() {
    return size;
  }

  /**
   * Normalises a possibly negative axis.
   *
   * @throws IllegalArgumentException when the axis is out of range
   */
  public int axis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException(
          "axis " + axis + " is out of range for shape " + this + " (rank " + dims.length + ")");
    }
    return a;
  }

  /** Product of the extents before {@code axis}. */
  public int outer(int axis) {
    int n = 1;
    for (int k = 0; k < axis; k++) {
      n *= dims[k];
    }
    return n;
  }

  /** Product of the extents after {@code axis}. */
  public int inner(int axis) {
    int n = 1;
    for (int k = axis + 1; k < dims.length; k++) {
      n *= dims[k];
    }
    return n;
  }

  /** This shape with {@code axis} set to {@code extent}. */
  public Shape with(int axis, int extent) {
    int[] d = dims.clone();
    d[axis(axis)] = extent;
    return of(d);
  }

  /** This shape without {@code axis}. */
  public Shape without(int axis) {
    int a = axis(axis);
    int[] d = new int[dims.length - 1];
    for (int k = 0, j = 0; k < dims.length; k++) {
      if (k != a) {
        d[j++] = dims[k];
      }
    }
    return of(d);
  }

  /** The broadcast of two shapes under NumPy rules, or an exception naming the operation. */
  public static Shape broadcast(String op, Shape a, Shape b) {
    if (a == b || a.equals(b)) {
      return a;
    }
    int rank = Math.max(a.rank(), b.rank());
    int[] out = new int[rank];
    for (int k = 0; k < rank; k++) {
      int da = k < rank - a.rank() ? 1 : a.dims[k - (rank - a.rank())];
      int db = k < rank - b.rank() ? 1 : b.dims[k - (rank - b.rank())];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            op
                + ": cannot broadcast shapes "
                + a
                + " and "
                + b
                + ": dimension "
                + k
                + " (counting from the"
                + " left after aligning the right ends) is "
                + da
                + " vs "
                + db
                + "; sizes must be equal or one of them 1");
      }
      out[k] = da == 1 ? db : da;
    }
    return of(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}

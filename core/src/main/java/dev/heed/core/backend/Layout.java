package dev.heed.core.backend;

import java.util.Arrays;

/**
 * How an n-dimensional view maps onto the elements of a buffer: element {@code (i0, …, in-1)} sits
 * at {@code offset + Σ ik·strides[k]}. Strides are in elements, not bytes, and may be zero (a
 * broadcast dimension). A contiguous row-major layout has {@code strides[n-1] = 1} and {@code
 * strides[k] = strides[k+1]·shape[k+1]}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Layout {
  private final int[] shape;
  private final long[] strides;
  private final long offset;

  /**
   * {@link #elementCount()} and {@link #isContiguous()}, computed once (the layout is immutable).
   */
  private final long count;

  private final boolean contiguous;

  /**
   * @param shape extent of each dimension, each {@code >= 0}
   * @param strides element stride of each dimension, same length as {@code shape}
   * @param offset index of element {@code (0, …, 0)}
   */
  public Layout(int[] shape, long[] strides, long offset) {
    if (shape.length != strides.length) {
      throw new IllegalArgumentException(
          "layout: shape "
              + Arrays.toString(shape)
              + " and strides "
              + Arrays.toString(strides)
              + " differ in rank");
    }
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "layout: negative dimension in " + Arrays.toString(shape));
      }
    }
    if (offset < 0) {
      throw new IllegalArgumentException("layout: negative offset " + offset);
    }
    this.shape = shape.clone();
    this.strides = strides.clone();
    this.offset = offset;
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    this.count = n;
    boolean dense = true;
    long expected = 1;
    for (int k = shape.length - 1; k >= 0 && n != 0; k--) {
      if (shape[k] != 1 && strides[k] != expected) {
        dense = false;
        break;
      }
      expected *= shape[k];
    }
    this.contiguous = dense;
  }

  /** A contiguous row-major layout of {@code shape} starting at element 0. */
  public static Layout contiguous(int... shape) {
    return contiguous(shape, 0);
  }

  /**
   * A contiguous row-major layout of {@code shape} starting at {@code offset}. Extents of 0 count
   * as 1 for the strides (as in PyTorch), so an empty view never has a zero stride that would read
   * as a broadcast.
   */
  public static Layout contiguous(int[] shape, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("layout: negative offset " + offset);
    }
    int[] dims = shape.clone();
    long[] strides = new long[dims.length];
    long s = 1;
    long n = 1;
    for (int k = dims.length - 1; k >= 0; k--) {
      if (dims[k] < 0) {
        throw new IllegalArgumentException(
            "layout: negative dimension in " + Arrays.toString(shape));
      }
      strides[k] = s;
      s *= Math.max(1, dims[k]);
      n *= dims[k];
    }
    return new Layout(dims, strides, offset, n);
  }

  /** A contiguous layout over arrays made for it (not copied, not checked again). */
  private Layout(int[] shape, long[] strides, long offset, long count) {
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.count = count;
    this.contiguous = true;
  }

  /** Rank (number of dimensions). */
  public int rank() {
    return shape.length;
  }

  /** Extent of dimension {@code k}. */
  public int dim(int k) {
    return shape[k];
  }

  /** Element stride of dimension {@code k}. */
  public long stride(int k) {
    return strides[k];
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** Whether {@code other} has the same shape (extents), whatever its strides and offset. */
  public boolean sameShape(Layout other) {
    return Arrays.equals(shape, other.shape);
  }

  /** A copy of the strides. */
  public long[] strides() {
    return strides.clone();
  }

  /** Index of element (0, …, 0). */
  public long offset() {
    return offset;
  }

  /** Number of elements of the view (product of the shape). */
  public long elementCount() {
    return count;
  }

  /** Whether the view is contiguous row-major (ignoring dimensions of extent 1; empty: true). */
  public boolean isContiguous() {
    return contiguous;
  }

  /**
   * The buffer index of the {@code linear}-th element in row-major order of the view. A convenience
   * for reference implementations; fast backends iterate with strides directly.
   */
  public long indexOf(long linear) {
    long index = offset;
    for (int k = shape.length - 1; k >= 0; k--) {
      int d = shape[k];
      if (d == 0) {
        return offset;
      }
      index += (linear % d) * strides[k];
      linear /= d;
    }
    return index;
  }

  /** Largest buffer index the view touches plus one (0 for an empty view). */
  public long extent() {
    if (elementCount() == 0) {
      return 0;
    }
    long last = offset;
    for (int k = 0; k < shape.length; k++) {
      last += (long) (shape[k] - 1) * strides[k];
    }
    return last + 1;
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || o instanceof Layout l
            && offset == l.offset
            && Arrays.equals(shape, l.shape)
            && Arrays.equals(strides, l.strides);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(shape) + Arrays.hashCode(strides)) + Long.hashCode(offset);
  }

  @Override
  public String toString() {
    return "Layout"
        + Arrays.toString(shape)
        + " strides "
        + Arrays.toString(strides)
        + " offset "
        + offset;
  }
}

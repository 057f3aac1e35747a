package dev.heed.core.backend.support;

import dev.heed.core.backend.Layout;
import java.util.Arrays;

/**
 * Several views of one shape, simplified for a strided kernel: dimensions of extent 1 are dropped
 * and neighbours laid out as one run in every view are merged, so a contiguous view becomes rank 1,
 * a bias broadcast along rows becomes rank 2 (a stride-0 outer dimension over a contiguous vector)
 * and a scalar broadcast one dimension of stride 0. A view of one element becomes rank 1 with
 * extent 1. The simplified walk visits the same elements in the same (row-major) order as the
 * original views.
 *
 * <p>The arrays are shared, not copied: treat them as read-only.
 *
 * @param extent the simplified shape (rank at least 1), or empty when the views have no elements
 * @param strides per view, the element strides of the simplified dimensions
 * @param offsets per view, the element index of element (0, …, 0)
 */
public record MergedLayouts(int[] extent, long[][] strides, long[] offsets) {

  /**
   * The simplified walk over {@code views}, which must share one shape (checked by the caller, for
   * example with {@code KernelChecks.sameShape}).
   *
   * @param views at least one view
   * @return the merged dimensions, in the order of {@code views}
   */
  public static MergedLayouts of(Layout... views) {
    int ops = views.length;
    int[] shape = views[0].shape();
    int[] extent = new int[Math.max(shape.length, 1)];
    long[][] strides = table(ops, Math.max(shape.length, 1));
    long[] offsets = new long[ops];
    for (int op = 0; op < ops; op++) {
      offsets[op] = views[op].offset();
    }
    int r = 0;
    for (int k = 0; k < shape.length; k++) {
      int d = shape[k];
      if (d == 0) {
        return new MergedLayouts(new int[0], table(ops, 0), offsets);
      }
      if (d == 1) {
        continue;
      }
      boolean merge = r > 0;
      for (int op = 0; op < ops && merge; op++) {
        merge = strides[op][r - 1] == views[op].stride(k) * d;
      }
      if (merge) {
        extent[r - 1] *= d;
        for (int op = 0; op < ops; op++) {
          strides[op][r - 1] = views[op].stride(k);
        }
      } else {
        extent[r] = d;
        for (int op = 0; op < ops; op++) {
          strides[op][r] = views[op].stride(k);
        }
        r++;
      }
    }
    if (r == 0) { // a single element
      extent[0] = 1;
      r = 1;
    }
    long[][] s = new long[ops][];
    for (int op = 0; op < ops; op++) {
      s[op] = Arrays.copyOf(strides[op], r);
    }
    return new MergedLayouts(Arrays.copyOf(extent, r), s, offsets);
  }

  /**
   * {@code new long[rows][columns]}, written as a loop of one-dimensional allocations: the JIT
   * compiles those inline, where a two-dimensional {@code new} calls into the VM on every use.
   */
  static long[][] table(int rows, int columns) {
    long[][] t = new long[rows][];
    for (int i = 0; i < rows; i++) {
      t[i] = new long[columns];
    }
    return t;
  }

  /** Whether the views have no elements. */
  public boolean isEmpty() {
    return extent.length == 0;
  }

  /** Rank of the simplified walk (0 only when {@link #isEmpty()}). */
  public int rank() {
    return extent.length;
  }

  /** Number of elements of each view. */
  public long count() {
    long n = 1;
    for (int d : extent) {
      n *= d;
    }
    return n;
  }
}

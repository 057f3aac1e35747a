package dev.heed.backend.simd;

import dev.heed.core.backend.Layout;

/**
 * Walks several views of one shape together, row by row. The shape is first simplified: dimensions
 * of extent 1 are dropped and neighbours that are laid out as one run in every view are merged, so
 * a contiguous view becomes a single row, a bias broadcast along rows becomes rows of a contiguous
 * vector with a stride-0 outer dimension, and a scalar broadcast becomes one row of stride 0. The
 * kernels then run a tight loop over the innermost dimension ({@link #length()} elements with
 * {@link #stride} per view) for each of the {@link #rows()} rows, starting at {@link #base}.
 *
 * <p>All views must have been checked to lie inside their buffers, so every index fits an int.
 */
final class Strided {
  private final int n;
  private final int[] innerStride;
  private final long rows;
  private final int[] outerExtent;
  private final long[][] outerStride;
  private final int[] counter;
  private final long[] base;
  private final long[] origin;

  private Strided(int[] extent, long[][] strides, long[] offsets) {
    int ops = offsets.length;
    int r = extent.length;
    this.n = extent[r - 1];
    this.innerStride = new int[ops];
    for (int op = 0; op < ops; op++) {
      innerStride[op] = (int) strides[op][r - 1];
    }
    this.outerExtent = new int[r - 1];
    this.outerStride = new long[ops][r - 1];
    long rowCount = 1;
    for (int d = 0; d < r - 1; d++) {
      outerExtent[d] = extent[d];
      rowCount *= extent[d];
      for (int op = 0; op < ops; op++) {
        outerStride[op][d] = strides[op][d];
      }
    }
    this.rows = n == 0 ? 0 : rowCount;
    this.counter = new int[r - 1];
    this.base = offsets.clone();
    this.origin = offsets.clone();
  }

  /** A walk of the same views positioned at row {@code row}, independent of this one. */
  private Strided(Strided from, long row) {
    this.n = from.n;
    this.innerStride = from.innerStride;
    this.rows = from.rows;
    this.outerExtent = from.outerExtent;
    this.outerStride = from.outerStride;
    this.origin = from.origin;
    this.counter = new int[from.counter.length];
    this.base = from.origin.clone();
    long rest = row;
    for (int d = counter.length - 1; d >= 0; d--) {
      int c = (int) (rest % outerExtent[d]);
      rest /= outerExtent[d];
      counter[d] = c;
      for (int op = 0; op < base.length; op++) {
        base[op] += c * outerStride[op][d];
      }
    }
  }

  /** A new walk over the same views that starts at row {@code row} (for splitting rows). */
  Strided at(long row) {
    return new Strided(this, row);
  }

  /** A walk over {@code views}, which all have one shape. */
  static Strided of(Layout... views) {
    int ops = views.length;
    int[] shape = views[0].shape();
    int rank = shape.length;
    int[] extent = new int[Math.max(rank, 1)];
    long[][] strides = new long[ops][Math.max(rank, 1)];
    int r = 0;
    for (int k = 0; k < rank; k++) {
      int d = shape[k];
      if (d == 0) {
        return new Strided(new int[] {0}, new long[ops][1], new long[ops]);
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
    int[] e = java.util.Arrays.copyOf(extent, r);
    long[][] s = new long[ops][];
    long[] offsets = new long[ops];
    for (int op = 0; op < ops; op++) {
      s[op] = java.util.Arrays.copyOf(strides[op], r);
      offsets[op] = views[op].offset();
    }
    return new Strided(e, s, offsets);
  }

  /** Elements per row (the innermost, merged dimension). */
  int length() {
    return n;
  }

  /** Number of rows. */
  long rows() {
    return rows;
  }

  /** Element stride of view {@code op} along a row. */
  int stride(int op) {
    return innerStride[op];
  }

  /** Index of the first element of the current row in view {@code op}. */
  int base(int op) {
    return (int) base[op];
  }

  /** Moves to the next row (an odometer over the outer dimensions). */
  void next() {
    for (int d = counter.length - 1; d >= 0; d--) {
      counter[d]++;
      if (counter[d] < outerExtent[d]) {
        for (int op = 0; op < base.length; op++) {
          base[op] += outerStride[op][d];
        }
        return;
      }
      counter[d] = 0;
      for (int op = 0; op < base.length; op++) {
        base[op] -= outerStride[op][d] * (outerExtent[d] - 1);
      }
    }
  }
}

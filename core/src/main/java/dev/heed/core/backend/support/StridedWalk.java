package dev.heed.core.backend.support;

import dev.heed.core.backend.Layout;

/**
 * Walks several views of one shape together, row by row, for kernels over heap arrays. The shape is
 * first simplified by {@link MergedLayouts}, so a contiguous view becomes a single row, a bias
 * broadcast along rows becomes rows of a contiguous vector with a stride-0 outer dimension, and a
 * scalar broadcast becomes one row of stride 0. A kernel then runs a tight loop over the innermost
 * dimension ({@link #length()} elements with {@link #stride} per view) for each of the {@link
 * #rows()} rows, starting at {@link #base} and calling {@link #next()} between rows.
 *
 * <p>All views must have been checked to lie inside their buffers (for example with {@code
 * KernelChecks.view}) and the buffers must be Java arrays, so every index fits an int. A walk is
 * mutable and not thread-safe; {@link #at} gives independent walks for splitting rows among
 * threads.
 */
public final class StridedWalk {
  private final int n;
  private final int[] innerStride;
  private final long rows;
  private final int[] outerExtent;
  private final long[][] outerStride;
  private final int[] counter;
  private final long[] base;
  private final long[] origin;

  private StridedWalk(int[] extent, long[][] strides, long[] offsets) {
    int ops = offsets.length;
    int r = extent.length;
    this.n = extent[r - 1];
    this.innerStride = new int[ops];
    for (int op = 0; op < ops; op++) {
      innerStride[op] = (int) strides[op][r - 1];
    }
    this.outerExtent = new int[r - 1];
    this.outerStride = MergedLayouts.table(ops, r - 1);
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

  /** A walk of the same views positioned at row {@code row}, independent of {@code from}. */
  private StridedWalk(StridedWalk from, long row) {
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

  /**
   * A walk over {@code views}, which all have one shape, positioned at the first row.
   *
   * @param views at least one view, each checked to lie inside its array
   * @return a new walk; {@link #rows()} is 0 when the views have no elements
   */
  public static StridedWalk of(Layout... views) {
    MergedLayouts m = MergedLayouts.of(views);
    if (m.isEmpty()) {
      int ops = views.length;
      return new StridedWalk(new int[] {0}, MergedLayouts.table(ops, 1), new long[ops]);
    }
    return new StridedWalk(m.extent(), m.strides(), m.offsets());
  }

  /**
   * A new walk over the same views that starts at row {@code row} (for splitting rows); this walk
   * is not changed.
   *
   * @param row a row in {@code [0, rows())}
   * @return an independent walk positioned at {@code row}
   */
  public StridedWalk at(long row) {
    return new StridedWalk(this, row);
  }

  /** Elements per row (the innermost, merged dimension). */
  public int length() {
    return n;
  }

  /** Number of rows. */
  public long rows() {
    return rows;
  }

  /** Element stride of view {@code op} along a row. */
  public int stride(int op) {
    return innerStride[op];
  }

  /** Index of the first element of the current row in view {@code op}. */
  public int base(int op) {
    return (int) base[op];
  }

  /** Moves to the next row (an odometer over the outer dimensions). */
  public void next() {
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

package dev.heed.backend.simd;

import dev.heed.core.backend.Layout;
import dev.heed.core.backend.support.ReferenceCopy;
import dev.heed.core.backend.support.StridedWalk;

/** {@code copy} split over the worker threads: {@link ReferenceCopy} row by row, in chunks. */
final class CopyKernel {
  private CopyKernel() {}

  /**
   * As {@link ReferenceCopy#copy}, with the rows split over {@code workers} when the view is large;
   * the destination views of different rows are disjoint, so the chunks never write the same
   * element.
   */
  static void copy(Workers workers, Object src, Layout sl, Object dst, Layout dl) {
    if (rowBroadcast(sl, dl)) {
      // a vector repeated on every row of a contiguous matrix (a bias filling a linear's output):
      // one System.arraycopy per row, without building a walk
      int rows = dl.dim(0);
      int n = dl.dim(1);
      int from = (int) sl.offset();
      int to = (int) dl.offset();
      for (int r = 0; r < rows; r++, to += n) {
        System.arraycopy(src, from, dst, to, n);
      }
      return;
    }
    StridedWalk w = StridedWalk.of(sl, dl);
    long rows = w.rows();
    if (workers.threads() == 1 || rows < 2 || (long) w.length() * rows < (1 << 16)) {
      ReferenceCopy.rows(src, dst, w, rows);
      return;
    }
    workers.parallelRange(
        rows,
        Math.max(1, (1 << 14) / Math.max(1, w.length())),
        (from, to) -> ReferenceCopy.rows(src, dst, w.at(from), to - from));
  }

  /** Whether {@code sl} is a {@code [rows, n]} view of one contiguous row and {@code dl} dense. */
  private static boolean rowBroadcast(Layout sl, Layout dl) {
    return sl.rank() == 2
        && sl.stride(0) == 0
        && sl.stride(1) == 1
        && dl.isContiguous()
        && (long) dl.dim(0) * dl.dim(1) < (1 << 16);
  }
}

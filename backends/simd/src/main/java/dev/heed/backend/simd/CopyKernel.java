package dev.heed.backend.simd;

import dev.heed.core.backend.Layout;
import dev.heed.core.backend.support.ReferenceCopy;
import dev.heed.core.backend.support.StridedWalk;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/** {@code copy} split over the worker threads: {@link ReferenceCopy} row by row, in chunks. */
final class CopyKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private CopyKernel() {}

  /**
   * As {@link ReferenceCopy#copy}, with the rows split over {@code workers} when the view is large;
   * the destination views of different rows are disjoint, so the chunks never write the same
   * element.
   */
  static void copy(Workers workers, Object src, Layout sl, Object dst, Layout dl) {
    if (rowBroadcast(sl, dl)) {
      // a vector repeated on every row of a contiguous matrix (a bias filling a linear's output):
      // one copy per row, without building a walk
      int rows = dl.dim(0);
      int n = dl.dim(1);
      int from = (int) sl.offset();
      int to = (int) dl.offset();
      if (n <= S.length() && src instanceof float[] f && dst instanceof float[] g) {
        // a row of at most one vector: loaded once, stored on every row (System.arraycopy of a
        // length not known when compiled is a call per row)
        VectorMask<Float> in = S.indexInRange(0, n);
        FloatVector v = FloatVector.fromArray(S, f, from, in);
        for (int r = 0; r < rows; r++, to += n) {
          v.intoArray(g, to, in);
        }
        return;
      }
      for (int r = 0; r < rows; r++, to += n) {
        System.arraycopy(src, from, dst, to, n);
      }
      return;
    }
    long count = dl.elementCount();
    // small or single-threaded copies between arrays of one type (a copy may also convert)
    if (dl.isContiguous()
        && src.getClass() == dst.getClass()
        && (workers.threads() == 1 || count < (1 << 16))) {
      int to = (int) dl.offset();
      int n = (int) count;
      if (sl.isContiguous()) {
        // a whole view to a whole view (a copy out of a scope, a reshape that must copy)
        System.arraycopy(src, (int) sl.offset(), dst, to, n);
        return;
      }
      if (src instanceof float[] f && dst instanceof float[] g && allStridesZero(sl)) {
        // one element repeated (the gradient of a sum spread over its input)
        Arrays.fill(g, to, to + n, f[(int) sl.offset()]);
        return;
      }
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

  private static boolean allStridesZero(Layout l) {
    for (int k = 0; k < l.rank(); k++) {
      if (l.stride(k) != 0) {
        return false;
      }
    }
    return true;
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

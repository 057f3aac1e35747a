package dev.heed.core.backend.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Layout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StridedWalkTest {

  @Test
  void mergesContiguousAndBroadcastDimensions() {
    MergedLayouts dense = MergedLayouts.of(Layout.contiguous(2, 1, 3, 4));
    assertArrayEquals(new int[] {24}, dense.extent());
    assertArrayEquals(new long[] {1}, dense.strides()[0]);

    // a bias of 4 broadcast along 3 rows, next to a contiguous 3x4 output
    Layout bias = new Layout(new int[] {3, 4}, new long[] {0, 1}, 5);
    MergedLayouts rows = MergedLayouts.of(bias, Layout.contiguous(3, 4));
    assertArrayEquals(new int[] {3, 4}, rows.extent());
    assertArrayEquals(new long[] {0, 1}, rows.strides()[0]);
    assertArrayEquals(new long[] {4, 1}, rows.strides()[1]);
    assertArrayEquals(new long[] {5, 0}, rows.offsets());

    MergedLayouts scalar = MergedLayouts.of(Layout.contiguous());
    assertArrayEquals(new int[] {1}, scalar.extent());
    assertTrue(MergedLayouts.of(Layout.contiguous(2, 0, 3)).isEmpty());
  }

  /** Every element index of view 0, in walk order. */
  private static List<Integer> visit(StridedWalk w, long rows) {
    List<Integer> seen = new ArrayList<>();
    for (long r = 0; r < rows; r++, w.next()) {
      for (int i = 0; i < w.length(); i++) {
        seen.add(w.base(0) + i * w.stride(0));
      }
    }
    return seen;
  }

  @Test
  void walksATransposedViewInRowMajorOrder() {
    Layout transposed = new Layout(new int[] {3, 2}, new long[] {1, 3}, 0); // a 2x3 matrix, .T
    StridedWalk w = StridedWalk.of(transposed);
    assertEquals(3, w.rows());
    assertEquals(2, w.length());
    assertEquals(List.of(0, 3, 1, 4, 2, 5), visit(w, w.rows()));
  }

  @Test
  void atStartsAnIndependentWalkAtARow() {
    Layout view = new Layout(new int[] {2, 2, 3}, new long[] {12, 4, 1}, 1); // not mergeable
    StridedWalk w = StridedWalk.of(view);
    assertEquals(4, w.rows());
    List<Integer> all = visit(StridedWalk.of(view), 4);
    assertEquals(all.subList(6, 12), visit(w.at(2), 2));
    assertEquals(0, w.base(0) - 1); // the original walk did not move
    assertEquals(0, StridedWalk.of(Layout.contiguous(4, 0)).rows());
  }
}

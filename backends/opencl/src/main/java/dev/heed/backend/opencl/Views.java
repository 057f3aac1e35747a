package dev.heed.backend.opencl;

import dev.heed.core.backend.Layout;
import dev.heed.core.backend.support.MergedLayouts;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Several views of one shape, simplified for a strided kernel by {@link MergedLayouts}: dimensions
 * of extent 1 are dropped and neighbours laid out as one run in every view are merged, so a
 * contiguous view becomes rank 1 and a bias broadcast along rows rank 2. Kernels take at most
 * {@link #MAX_RANK} dimensions (as an {@code int8} shape and one {@code long8} of strides per
 * view); {@link #chunks} splits a view of higher rank into launches over its last {@link #MAX_RANK}
 * dimensions.
 *
 * @param extent the simplified shape (rank at least 1), or empty when the views have no elements
 * @param strides per view, the strides of the simplified dimensions
 * @param offsets per view, the index of element (0, …, 0)
 */
record Views(int[] extent, long[][] strides, long[] offsets) {
  /** Dimensions a kernel walks. */
  static final int MAX_RANK = 8;

  /** The simplified walk over {@code views}, which share one shape. */
  static Views of(Layout... views) {
    MergedLayouts m = MergedLayouts.of(views);
    return new Views(m.extent(), m.strides(), m.offsets());
  }

  /**
   * The simplified walks of recently seen views, by the identity of their layouts ({@link Layout}
   * is immutable): a call repeated with the same layout objects, as a replayed step makes it, does
   * not simplify them again. A small table indexed by the layouts' identity hashes, each slot
   * holding the last walk that fell there; thread-safe (slots hold immutable entries).
   */
  static final class Memo {
    private static final int SIZE = 512;

    private record Entry(Layout a, Layout b, Layout c, Layout d, Views views) {}

    private final Entry[] table = new Entry[SIZE];

    /** The walk over {@code a} and {@code b}. */
    Views of(Layout a, Layout b) {
      return of(a, b, null, null);
    }

    /** The walk over {@code a}, {@code b} and {@code c}. */
    Views of(Layout a, Layout b, Layout c) {
      return of(a, b, c, null);
    }

    /** The walk over two to four views ({@code c} and {@code d} may be absent: null). */
    Views of(Layout a, Layout b, Layout c, Layout d) {
      int h = System.identityHashCode(a);
      h = h * 31 + System.identityHashCode(b);
      h = h * 31 + System.identityHashCode(c);
      h = h * 31 + System.identityHashCode(d);
      int i = (h ^ (h >>> 16)) & (SIZE - 1);
      Entry e = table[i];
      if (e != null && e.a == a && e.b == b && e.c == c && e.d == d) {
        return e.views;
      }
      Views v = c == null ? Views.of(a, b) : d == null ? Views.of(a, b, c) : Views.of(a, b, c, d);
      table[i] = new Entry(a, b, c, d, v);
      return v;
    }
  }

  /** Whether there is nothing to do. */
  boolean isEmpty() {
    return extent.length == 0;
  }

  /** Rank of the simplified walk. */
  int rank() {
    return extent.length;
  }

  /** Number of elements. */
  long count() {
    long n = 1;
    for (int d : extent) {
      n *= d;
    }
    return n;
  }

  /** Whether every view is one contiguous run ({@code rank 1}, stride 1). */
  boolean dense() {
    if (extent.length != 1) {
      return false;
    }
    for (long[] s : strides) {
      if (s[0] != 1) {
        return false;
      }
    }
    return true;
  }

  /** The shape padded to eight entries (with 1). */
  int[] shape8() {
    int[] s = new int[MAX_RANK];
    Arrays.fill(s, 1);
    System.arraycopy(extent, 0, s, 0, extent.length);
    return s;
  }

  /** The strides of view {@code op} padded to eight entries. */
  long[] strides8(int op) {
    long[] s = new long[MAX_RANK];
    System.arraycopy(strides[op], 0, s, 0, strides[op].length);
    return s;
  }

  /**
   * Calls {@code launch} with walks of rank at most {@link #MAX_RANK} that together cover this one:
   * itself, or one per index of the leading dimensions beyond eight, with offsets moved there.
   */
  void chunks(Consumer<Views> launch) {
    if (rank() <= MAX_RANK) {
      launch.accept(this);
      return;
    }
    int lead = rank() - MAX_RANK;
    int ops = offsets.length;
    int[] tailExtent = Arrays.copyOfRange(extent, lead, rank());
    long[][] tailStrides = new long[ops][];
    for (int op = 0; op < ops; op++) {
      tailStrides[op] = Arrays.copyOfRange(strides[op], lead, rank());
    }
    int[] counter = new int[lead];
    while (true) {
      long[] off = offsets.clone();
      for (int d = 0; d < lead; d++) {
        for (int op = 0; op < ops; op++) {
          off[op] += counter[d] * strides[op][d];
        }
      }
      launch.accept(new Views(tailExtent, tailStrides, off));
      int d = lead - 1;
      while (d >= 0 && ++counter[d] == extent[d]) {
        counter[d] = 0;
        d--;
      }
      if (d < 0) {
        return;
      }
    }
  }
}

package dev.heed.core.backend.support;

import dev.heed.core.backend.Layout;
import java.util.Arrays;

/**
 * {@code copy}: element by element from one strided view into another, converting between element
 * types (a float becomes an INT32 by truncation toward zero, as a Java cast does; NaN becomes 0 and
 * out-of-range values saturate). The arrays are a heap backend's buffers: {@code float[]}, {@code
 * double[]} or {@code int[]}.
 */
public final class ReferenceCopy {
  private ReferenceCopy() {}

  /** Copies view {@code sl} of array {@code src} into view {@code dl} of array {@code dst}. */
  public static void copy(Object src, Layout sl, Object dst, Layout dl) {
    StridedWalk w = StridedWalk.of(sl, dl);
    rows(src, dst, w, w.rows());
  }

  /**
   * Copies the first {@code count} rows of the walk {@code w} (views source, destination in that
   * order), from where it stands, from array {@code src} into array {@code dst}.
   */
  public static void rows(Object src, Object dst, StridedWalk w, long count) {
    int n = w.length();
    int ss = w.stride(0);
    int ds = w.stride(1);
    for (long r = 0; r < count; r++, w.next()) {
      row(src, w.base(0), ss, dst, w.base(1), ds, n);
    }
  }

  /** A contiguous copy of the view {@code l} of {@code src}, in a new array of the same type. */
  public static Object stage(Object src, Layout l) {
    int count = (int) l.elementCount();
    Object staged =
        switch (src) {
          case float[] _ -> new float[count];
          case double[] _ -> new double[count];
          case int[] _ -> new int[count];
          default -> throw new IllegalStateException("not a buffer array: " + src);
        };
    copy(src, l, staged, Layout.contiguous(l.shape()));
    return staged;
  }

  private static void row(Object src, int si, int ss, Object dst, int di, int ds, int n) {
    switch (src) {
      case float[] s when dst instanceof float[] d -> same(s, si, ss, d, di, ds, n);
      case double[] s when dst instanceof double[] d -> same(s, si, ss, d, di, ds, n);
      case int[] s when dst instanceof int[] d -> same(s, si, ss, d, di, ds, n);
      case float[] s when dst instanceof double[] d -> {
        for (int i = 0; i < n; i++) {
          d[di + i * ds] = s[si + i * ss];
        }
      }
      case float[] s when dst instanceof int[] d -> {
        for (int i = 0; i < n; i++) {
          d[di + i * ds] = (int) s[si + i * ss];
        }
      }
      case double[] s when dst instanceof float[] d -> {
        for (int i = 0; i < n; i++) {
          d[di + i * ds] = (float) s[si + i * ss];
        }
      }
      case double[] s when dst instanceof int[] d -> {
        for (int i = 0; i < n; i++) {
          d[di + i * ds] = (int) s[si + i * ss];
        }
      }
      case int[] s when dst instanceof float[] d -> {
        for (int i = 0; i < n; i++) {
          d[di + i * ds] = s[si + i * ss];
        }
      }
      case int[] s when dst instanceof double[] d -> {
        for (int i = 0; i < n; i++) {
          d[di + i * ds] = s[si + i * ss];
        }
      }
      default -> throw new IllegalStateException("not buffer arrays: " + src + ", " + dst);
    }
  }

  private static void same(float[] s, int si, int ss, float[] d, int di, int ds, int n) {
    if (ss == 1 && ds == 1) {
      System.arraycopy(s, si, d, di, n);
    } else if (ss == 0 && ds == 1) {
      Arrays.fill(d, di, di + n, s[si]);
    } else {
      for (int i = 0; i < n; i++) {
        d[di + i * ds] = s[si + i * ss];
      }
    }
  }

  private static void same(double[] s, int si, int ss, double[] d, int di, int ds, int n) {
    if (ss == 1 && ds == 1) {
      System.arraycopy(s, si, d, di, n);
    } else if (ss == 0 && ds == 1) {
      Arrays.fill(d, di, di + n, s[si]);
    } else {
      for (int i = 0; i < n; i++) {
        d[di + i * ds] = s[si + i * ss];
      }
    }
  }

  private static void same(int[] s, int si, int ss, int[] d, int di, int ds, int n) {
    if (ss == 1 && ds == 1) {
      System.arraycopy(s, si, d, di, n);
    } else if (ss == 0 && ds == 1) {
      Arrays.fill(d, di, di + n, s[si]);
    } else {
      for (int i = 0; i < n; i++) {
        d[di + i * ds] = s[si + i * ss];
      }
    }
  }
}

package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.testkit.TestBackends;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The simd kernels on the strided views that core issues since tensors are views: unary, sums and
 * softmax over rows of a view (innermost elements contiguous, rows a stride apart, at an offset), a
 * transposed matrix summed along its rows, and the products of attention heads read out of a packed
 * projection (rows of A and B a leading dimension of {@code 3·H·d} apart, heads {@code d} apart, B
 * transposed or not). Every result is compared with the reference backend on the same buffers, for
 * sizes of 1, primes and sizes that are not multiples of the vector length, on one thread and split
 * over two.
 */
class StridedViewsTest {

  private static float[] random(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 4 - 2);
    }
    return v;
  }

  private static Buffer upload(Backend b, float[] v) {
    Buffer buf = b.allocate(DType.FLOAT32, v.length);
    b.upload(MemorySegment.ofArray(v), buf, 0, v.length);
    return buf;
  }

  private static float[] download(Backend b, Buffer buf) {
    float[] v = new float[(int) buf.size()];
    b.download(buf, 0, v.length, MemorySegment.ofArray(v));
    buf.close();
    return v;
  }

  private static void assertClose(String what, float[] actual, float[] expected, double tol) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e)) {
        assertTrue(Double.isNaN(a), what + " at " + i + ": expected NaN, got " + a);
        continue;
      }
      if (Double.isInfinite(e)) {
        assertEquals(e, a, what + " at " + i);
        continue;
      }
      assertTrue(
          Math.abs(a - e) <= tol * (Math.abs(e) + 1),
          what + " at " + i + ": expected " + e + ", got " + a);
    }
  }

  /** {@code [rows, n]} rows {@code stride} apart from {@code offset}. */
  private static Layout rows(int rows, int n, long stride, long offset) {
    return new Layout(new int[] {rows, n}, new long[] {stride, 1}, offset);
  }

  /** Row counts and lengths: 1, primes, below, at and above multiples of the vector length. */
  private static final int[][] ROWS = {
    {1, 1}, {1, 17}, {3, 1}, {7, 13}, {5, 16}, {2, 31}, {11, 64}, {13, 67}, {2000, 37}, {600, 130}
  };

  private static final UnaryOp[] UNARY = {
    UnaryOp.EXP, UnaryOp.TANH, UnaryOp.RELU, UnaryOp.AFFINE, UnaryOp.SQUARE, UnaryOp.ABS
  };

  /**
   * {@code y = op(x)} with both views given: the input view is read from a random array, the output
   * view is written into an array of NaN (what it leaves alone must stay NaN on both backends).
   */
  private static float[] unary(
      Backend b, UnaryOp op, float[] x, Layout xl, int ySize, Layout yl, boolean inPlace) {
    Buffer xb = upload(b, x);
    Buffer yb = inPlace ? xb : upload(b, nans(ySize));
    b.unary(op, 0.75, -0.5, xb, xl, yb, yl);
    if (!inPlace) {
      xb.close();
    }
    return download(b, yb);
  }

  private static float[] nans(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, Float.NaN);
    return v;
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void unaryOverRowsOfAStridedViewMatchesTheReference(int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    for (int[] rn : ROWS) {
      int r = rn[0];
      int n = rn[1];
      int stride = n + 5;
      int size = 3 + r * stride;
      float[] x = random(r * 31L + n, size);
      Layout strided = rows(r, n, stride, 3);
      Layout dense = Layout.contiguous(r, n);
      Layout broadcast = rows(r, n, 0, 2);
      for (UnaryOp op : UNARY) {
        String what = op + " " + r + "x" + n + " threads=" + threads;
        // strided input, dense output; dense input, strided output; strided in place; a row
        // repeated down the rows
        assertClose(
            what + " strided -> dense",
            unary(simd, op, x, strided, r * n, dense, false),
            unary(ref, op, x, strided, r * n, dense, false),
            1e-5);
        float[] xd = random(r * 7L + n, r * n);
        assertClose(
            what + " dense -> strided",
            unary(simd, op, xd, dense, size, strided, false),
            unary(ref, op, xd, dense, size, strided, false),
            1e-5);
        assertClose(
            what + " strided in place",
            unary(simd, op, x, strided, size, strided, true),
            unary(ref, op, x, strided, size, strided, true),
            1e-5);
        assertClose(
            what + " broadcast row",
            unary(simd, op, x, broadcast, r * n, dense, false),
            unary(ref, op, x, broadcast, r * n, dense, false),
            1e-5);
        // one value everywhere (a loss's mean spreading its gradient), one value per row
        Layout scalar = new Layout(new int[] {r, n}, new long[] {0, 0}, 1);
        Layout column = new Layout(new int[] {r, n}, new long[] {1, 0}, 2);
        assertClose(
            what + " one value",
            unary(simd, op, x, scalar, r * n, dense, false),
            unary(ref, op, x, scalar, r * n, dense, false),
            1e-5);
        assertClose(
            what + " one value per row",
            unary(simd, op, x, column, size, strided, false),
            unary(ref, op, x, column, size, strided, false),
            1e-5);
      }
    }
  }

  private static float[] sum(Backend b, float[] x, Layout xl) {
    Buffer xb = upload(b, x);
    Buffer out = b.allocate(DType.FLOAT32, (long) xl.dim(0) * xl.dim(2));
    b.reduce(ReduceOp.SUM, xb, xl, out);
    xb.close();
    return download(b, out);
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void sumsOfStridedViewsMatchTheReference(int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    // {outer, axis, inner}
    int[][] shapes = {
      {1, 1, 1},
      {1, 17, 1},
      {7, 13, 1},
      {2000, 37, 1},
      {3, 1, 5},
      {5, 7, 33},
      {2, 300, 131},
      {1, 9, 40_000},
      {300, 5, 17}
    };
    for (int[] sh : shapes) {
      int outer = sh[0];
      int axis = sh[1];
      int inner = sh[2];
      // rows or columns with gaps: element (o, j, i) at 2 + o·so + j·sa + i
      long sa = inner == 1 ? 1 : inner + 3;
      long so = inner == 1 ? axis + 4 : axis * sa + 6;
      Layout gaps = new Layout(new int[] {outer, axis, inner}, new long[] {so, sa, 1}, 2);
      float[] x = random(outer * 13L + axis * 3L + inner, (int) gaps.extent());
      String what = "sum " + gaps + " threads=" + threads;
      assertClose(what, sum(simd, x, gaps), sum(ref, x, gaps), 1e-5 * Math.sqrt(axis));
      if (inner == 1 && outer > 1 && axis > 1) {
        // a transposed matrix [outer, axis] summed along its rows: stored [axis, outer + 2]
        Layout t = new Layout(new int[] {outer, axis, 1}, new long[] {1, outer + 2, 1}, 1);
        float[] xt = random(outer * 5L + axis, (int) t.extent());
        assertClose(
            "sum transposed " + t + " threads=" + threads,
            sum(simd, xt, t),
            sum(ref, xt, t),
            1e-5 * Math.sqrt(axis));
      }
    }
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void sumsAlongABroadcastAxisAreTheReferencesBitForBit(int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    // the gradient of a broadcast summed back when it is itself broadcast: one value everywhere,
    // one row repeated down the axis, one value per outer index
    Layout[] views = {
      new Layout(new int[] {1, 1024, 256}, new long[] {1, 0, 0}, 3),
      new Layout(new int[] {7, 13, 5}, new long[] {6, 0, 1}, 2),
      new Layout(new int[] {5, 9, 1}, new long[] {1, 0, 1}, 0),
      new Layout(new int[] {3, 2, 17}, new long[] {17, 0, 1}, 1)
    };
    for (Layout l : views) {
      float[] x = random(l.dim(1), (int) l.extent());
      assertClose("sum " + l + " threads=" + threads, sum(simd, x, l), sum(ref, x, l), 0);
    }
  }

  private static float[] softmax(Backend b, float[] x, Layout xl, boolean log) {
    Buffer xb = upload(b, x);
    Buffer y = b.allocate(DType.FLOAT32, xl.elementCount());
    b.softmax(xb, xl, log, y);
    xb.close();
    return download(b, y);
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void softmaxOverRowsOfAStridedViewMatchesTheReference(int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    for (int[] rn : ROWS) {
      int r = rn[0];
      int n = rn[1];
      Layout l = new Layout(new int[] {r, n, 1}, new long[] {n + 3, 1, 1}, 4);
      float[] x = random(r * 17L + n, (int) l.extent());
      if (n > 2) {
        // a masked position and a fully masked row
        x[4 + 1] = Float.NEGATIVE_INFINITY;
        if (r > 2) {
          for (int j = 0; j < n; j++) {
            x[4 + 2 * (n + 3) + j] = Float.NEGATIVE_INFINITY;
          }
        }
      }
      for (boolean log : new boolean[] {false, true}) {
        assertClose(
            "softmax log=" + log + " " + l + " threads=" + threads,
            softmax(simd, x, l, log),
            softmax(ref, x, l, log),
            1e-5);
      }
    }
  }

  private static float[] matmul(Backend b, MatmulSpec s, float[] a, float[] bm, int cSize) {
    Buffer ab = upload(b, a);
    Buffer bb = upload(b, bm);
    Buffer cb = upload(b, random(99, cSize));
    b.matmul(s, ab, bb, cb);
    ab.close();
    bb.close();
    return download(b, cb);
  }

  @ParameterizedTest(name = "threads={0}")
  @ValueSource(ints = {1, 2})
  void attentionHeadsReadOutOfAPackedProjectionMatchTheReference(int threads) {
    Backend simd = SimdBackends.withThreads(threads);
    Backend ref = TestBackends.reference();
    // {T, H, d}: the small kernel, the narrow kernel, the packed kernel (in-place B for the
    // second product), odd sizes
    int[][] shapes = {{5, 2, 8}, {1, 3, 4}, {13, 3, 7}, {32, 2, 32}, {33, 4, 16}, {128, 4, 64}};
    for (int[] sh : shapes) {
      int t = sh[0];
      int h = sh[1];
      int d = sh[2];
      int dm = h * d;
      int ld = 3 * dm;
      // one sequence's projection [T, 3·H·d]: q, k and v of head i at columns i·d, D + i·d,
      // 2D + i·d
      float[] qkv = random(t * 7L + d, t * ld);
      // scores[i] = q_i · k_iᵀ: A [T, d] rows ld apart, B transposed [T, d] rows ld apart
      MatmulSpec scores =
          new MatmulSpec(h, t, t, d, false, true, 0, d, dm, d, 0, (long) t * t, 0.5, 0, ld, ld);
      String what = "q·kᵀ T=" + t + " H=" + h + " d=" + d + " threads=" + threads;
      assertClose(
          what,
          matmul(simd, scores, qkv, qkv, h * t * t),
          matmul(ref, scores, qkv, qkv, h * t * t),
          2e-5 * Math.sqrt(d));
      // out[i] = w_i · v_i: B [T, d] rows ld apart, not transposed
      float[] w = random(t * 3L + h, h * t * t);
      MatmulSpec values =
          new MatmulSpec(
              h, t, d, t, false, false, 0, (long) t * t, 2 * dm, d, 0, (long) t * d, 1, 0, t, ld);
      assertClose(
          "w·v T=" + t + " H=" + h + " d=" + d + " threads=" + threads,
          matmul(simd, values, w, qkv, h * t * d),
          matmul(ref, values, w, qkv, h * t * d),
          2e-5 * Math.sqrt(t));
      // the gradient of k: gsᵀ·q, A transposed [T, T] dense, B rows ld apart
      MatmulSpec gradK =
          new MatmulSpec(
              h, t, d, t, true, false, 0, (long) t * t, 0, d, 0, (long) t * d, 1, 0.5, t, ld);
      assertClose(
          "gsᵀ·q T=" + t + " H=" + h + " d=" + d + " threads=" + threads,
          matmul(simd, gradK, w, qkv, h * t * d),
          matmul(ref, gradK, w, qkv, h * t * d),
          2e-5 * Math.sqrt(t));
    }
  }
}

package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.core.backend.UnaryOp;
import dev.heed.testkit.TestBackends;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kernels that read strided views (unary, reduce, softmax) and matmul with leading dimensions,
 * each against the reference backend on the same inputs, through {@link CheckedBackend} on both so
 * that every case is a legal call. Views start at offsets inside larger buffers, and the untouched
 * parts of each output must stay as they were.
 */
class ViewKernelsTest {
  private final List<Buffer> buffers = new ArrayList<>();

  @AfterEach
  void release() {
    buffers.forEach(Buffer::close);
    buffers.clear();
  }

  private static float[] data(long seed, int n) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (2 * r.nextGaussian());
    }
    return v;
  }

  private Buffer upload(Backend b, float[] v) {
    Buffer buf = b.allocate(DType.FLOAT32, v.length);
    buffers.add(buf);
    b.upload(MemorySegment.ofArray(v), buf, 0, v.length);
    return buf;
  }

  private static float[] floats(Backend b, Buffer buf) {
    float[] v = new float[(int) buf.size()];
    b.download(buf, 0, v.length, MemorySegment.ofArray(v));
    return v;
  }

  private static void assertClose(String what, float[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      boolean bothNaN = Double.isNaN(e) && Float.isNaN(actual[i]);
      if (!bothNaN && !(Math.abs(e - actual[i]) <= tol * (Math.abs(e) + 1))) {
        throw new AssertionError(
            what
                + ": element "
                + i
                + " is "
                + actual[i]
                + ", expected "
                + e
                + " (tol "
                + tol
                + ")");
      }
    }
  }

  /**
   * Runs {@code op} on the checked reference and opencl backends with the same float inputs and an
   * output of {@code outSize} elements filled with 7; returns both outputs.
   */
  private float[][] both(
      float[][] inputs, int outSize, BiFunction<Backend, Buffer[], Buffer> op, DType outType) {
    return both(OpenClTests.backend(), inputs, outSize, op, outType);
  }

  private float[][] both(
      Backend opencl,
      float[][] inputs,
      int outSize,
      BiFunction<Backend, Buffer[], Buffer> op,
      DType outType) {
    Backend[] backends = {CheckedBackend.of(TestBackends.reference()), CheckedBackend.of(opencl)};
    float[][] results = new float[2][];
    for (int k = 0; k < 2; k++) {
      Backend b = backends[k];
      Buffer[] in = new Buffer[inputs.length + 1];
      for (int i = 0; i < inputs.length; i++) {
        in[i] = upload(b, inputs[i]);
      }
      Buffer out = b.allocate(outType, outSize);
      buffers.add(out);
      b.fill(out, 0, outSize, 7);
      in[inputs.length] = out;
      Buffer written = op.apply(b, in);
      if (outType == DType.INT32) {
        int[] v = new int[outSize];
        b.download(written, 0, outSize, MemorySegment.ofArray(v));
        results[k] = new float[outSize];
        for (int i = 0; i < outSize; i++) {
          results[k][i] = v[i];
        }
      } else {
        results[k] = floats(b, written);
      }
    }
    return results;
  }

  @Test
  void unaryOverTransposedOffsetAndBroadcastViews() {
    float[] x = data(1, 200);
    // x: a 5 x 6 transposed view at offset 11; y: every other element of a 30 x 2 region at 3
    Layout xt = new Layout(new int[] {6, 5}, new long[] {1, 6}, 11);
    Layout ys = new Layout(new int[] {6, 5}, new long[] {10, 2}, 3);
    // a row broadcast down the columns, and a scalar broadcast to the whole view
    Layout row = new Layout(new int[] {6, 5}, new long[] {0, 1}, 40);
    Layout scalar = new Layout(new int[] {6, 5}, new long[] {0, 0}, 77);
    for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.AFFINE, UnaryOp.STEP, UnaryOp.CLAMP}) {
      for (Layout in : new Layout[] {xt, row, scalar}) {
        float[][] r =
            both(
                new float[][] {x},
                70,
                (b, buf) -> {
                  b.unary(op, 0.3, 1.2, buf[0], in, buf[1], ys);
                  return buf[1];
                },
                DType.FLOAT32);
        assertClose(op + " of " + in, r[0], r[1], 1e-6);
      }
    }
  }

  @Test
  void unaryInPlaceOverAStridedViewAndAContiguousRangeAtAnOffset() {
    float[] x = data(2, 64);
    Layout strided = new Layout(new int[] {4, 3}, new long[] {12, 3}, 5);
    Layout range = Layout.contiguous(new int[] {20}, 9);
    for (Layout view : new Layout[] {strided, range}) {
      float[][] r =
          both(
              new float[][] {x},
              1,
              (b, buf) -> {
                b.unary(UnaryOp.TANH, 0, 0, buf[0], view, buf[0], view);
                return buf[0];
              },
              DType.FLOAT32);
      assertClose("tanh in place over " + view, r[0], r[1], 1e-6);
    }
  }

  @Test
  void unaryOverRankTenRunsInChunks() {
    int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2, 3};
    long[] reversed = new long[shape.length];
    long stride = 1;
    for (int d = 0; d < shape.length; d++) {
      reversed[d] = stride;
      stride *= shape[d];
    }
    Layout transposed = new Layout(shape, reversed, 0);
    Layout contiguous = Layout.contiguous(shape);
    int n = (int) contiguous.elementCount();
    float[][] r =
        both(
            new float[][] {data(3, n)},
            n,
            (b, buf) -> {
              b.unary(UnaryOp.SQUARE, 0, 0, buf[0], transposed, buf[1], contiguous);
              return buf[1];
            },
            DType.FLOAT32);
    assertClose("square over rank 10", r[0], r[1], 0);
  }

  /** Rank-3 views: short and long axes, adjacent or strided, few or many outputs, at offsets. */
  private static List<Layout> reductionViews() {
    List<Layout> views = new ArrayList<>();
    // a permuted [4, 9, 5] view of a contiguous [5, 4, 9] block at offset 3 (short axis)
    views.add(new Layout(new int[] {4, 9, 5}, new long[] {9, 1, 36}, 3));
    // long rows, adjacent along the axis (work-group per row) with inner > 1
    views.add(new Layout(new int[] {3, 300, 2}, new long[] {700, 1, 300}, 17));
    // long axis with a large stride and few outputs (work-group per output)
    views.add(new Layout(new int[] {2, 200, 3}, new long[] {3, 6, 1}, 1));
    // long axis with a large stride and many outputs (one work item per output)
    views.add(new Layout(new int[] {40, 100, 30}, new long[] {30, 1200, 1}, 0));
    // a broadcast axis (stride 0) and a broadcast outer dimension
    views.add(new Layout(new int[] {3, 70, 4}, new long[] {0, 0, 1}, 5));
    return views;
  }

  @Test
  void reductionsOverStridedViews() {
    int size = 130_000;
    float[] x = data(4, size);
    for (Layout view : reductionViews()) {
      int outputs = view.dim(0) * view.dim(2);
      for (ReduceOp op : ReduceOp.values()) {
        DType outType = op.producesIndices() ? DType.INT32 : DType.FLOAT32;
        float[][] r =
            both(
                new float[][] {x},
                outputs + 3,
                (b, buf) -> {
                  b.reduce(op, buf[0], view, buf[1]);
                  return buf[1];
                },
                outType);
        if (op.producesIndices()) {
          assertArrayEquals(r[0], r[1], op + " over " + view);
        } else {
          assertClose(op + " over " + view, r[0], r[1], 1e-5 * Math.sqrt(view.dim(1)));
        }
      }
    }
  }

  @Test
  void softmaxOverStridedViews() {
    int size = 130_000;
    float[] x = data(5, size);
    for (Layout view : reductionViews()) {
      int n = (int) view.elementCount();
      for (boolean log : new boolean[] {false, true}) {
        float[][] r =
            both(
                new float[][] {x},
                n + 3,
                (b, buf) -> {
                  b.softmax(buf[0], view, log, buf[1]);
                  return buf[1];
                },
                DType.FLOAT32);
        assertClose((log ? "log-softmax" : "softmax") + " over " + view, r[0], r[1], 1e-5);
      }
    }
  }

  @Test
  void softmaxInPlaceOverLongAndShortRows() {
    for (int[] shape : new int[][] {{3, 500, 1}, {6, 7, 5}, {2, 300, 4}}) {
      Layout view = Layout.contiguous(shape);
      int n = (int) view.elementCount();
      float[][] r =
          both(
              new float[][] {data(6, n)},
              1,
              (b, buf) -> {
                b.softmax(buf[0], view, false, buf[0]);
                return buf[0];
              },
              DType.FLOAT32);
      assertClose("softmax in place over " + view, r[0], r[1], 1e-5);
    }
  }

  @Test
  void matmulReadsMatricesOutOfWiderRows() {
    matmulWithLeadingDimensions(OpenClTests.backend());
  }

  /** The same through CLBlast, where it is installed (its GEMM takes lda and ldb). */
  @Test
  void matmulByClBlastReadsMatricesOutOfWiderRows() {
    OpenClTests.assumePlatform();
    try {
      ClBlast.library();
    } catch (IllegalStateException e) {
      assumeTrue(false, e.getMessage());
    }
    BackendProvider p = Plugins.shared().backends().get("opencl");
    try (Backend clblast = p.create(p.options().resolve("opencl", Map.of("matmul", "clblast")))) {
      matmulWithLeadingDimensions(clblast);
      release();
    }
  }

  private void matmulWithLeadingDimensions(Backend opencl) {
    int m = 37;
    int n = 45;
    int k = 29;
    int batch = 3;
    for (boolean transA : new boolean[] {false, true}) {
      for (boolean transB : new boolean[] {false, true}) {
        int lda = (transA ? m : k) + 7;
        int ldb = (transB ? k : n) + 13;
        int aRows = transA ? k : m;
        int bRows = transB ? n : k;
        long aStride = (long) aRows * lda + 5;
        long bStride = (long) bRows * ldb;
        MatmulSpec spec =
            new MatmulSpec(
                batch,
                m,
                n,
                k,
                transA,
                transB,
                4,
                aStride,
                2,
                bStride,
                1,
                (long) m * n + 3,
                1.5,
                0.25,
                lda,
                ldb);
        float[] a = data(7, (int) (4 + batch * aStride));
        float[] bm = data(8, (int) (2 + batch * bStride));
        int cSize = 1 + batch * (m * n + 3);
        float[] c = data(9, cSize);
        float[][] r =
            both(
                opencl,
                new float[][] {a, bm, c},
                1,
                (b, buf) -> {
                  b.matmul(spec, buf[0], buf[1], buf[2]);
                  return buf[2];
                },
                DType.FLOAT32);
        assertClose(
            "matmul transA=" + transA + " transB=" + transB + " lda=" + lda + " ldb=" + ldb,
            r[0],
            r[1],
            2e-6 * Math.sqrt(k));
      }
    }
  }
}

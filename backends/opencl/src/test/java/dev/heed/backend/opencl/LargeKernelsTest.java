package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Distribution;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.ReduceOp;
import dev.heed.testkit.TestBackends;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the contract's small cases do not reach: several matmul tiles and panels, long rows that
 * span many work items of the row reductions, views of rank above eight (split into launches),
 * overlapping copies through core, scatterAdd with many repeats, and errors before anything runs.
 * Each result is compared with the reference backend on the same inputs.
 */
class LargeKernelsTest {
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
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private Buffer upload(Backend b, float[] v) {
    Buffer buf = b.allocate(DType.FLOAT32, v.length);
    buffers.add(buf);
    b.upload(MemorySegment.ofArray(v), buf, 0, v.length);
    return buf;
  }

  private Buffer ints(Backend b, int[] v) {
    Buffer buf = b.allocate(DType.INT32, v.length);
    buffers.add(buf);
    b.upload(MemorySegment.ofArray(v), buf, 0, v.length);
    return buf;
  }

  private static float[] download(Backend b, Buffer buf) {
    float[] v = new float[(int) buf.size()];
    b.download(buf, 0, v.length, MemorySegment.ofArray(v));
    return v;
  }

  private static void assertClose(String what, float[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double d = Math.abs(e - actual[i]);
      if (!(d <= tol * (Math.abs(e) + 1)) && !(Double.isNaN(e) && Float.isNaN(actual[i]))) {
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

  /** Runs {@code op} on both backends with the same float inputs; returns both outputs. */
  private interface Op {
    void run(Backend b, Buffer[] in, Buffer out);
  }

  private void compare(String what, float[][] inputs, int outSize, Op op, double tol) {
    Backend ref = TestBackends.reference();
    Backend cl = OpenClTests.backend();
    float[][] results = new float[2][];
    Backend[] both = {ref, cl};
    for (int k = 0; k < 2; k++) {
      Buffer[] in = new Buffer[inputs.length];
      for (int i = 0; i < inputs.length; i++) {
        in[i] = upload(both[k], inputs[i]);
      }
      Buffer out = upload(both[k], new float[outSize]);
      op.run(both[k], in, out);
      results[k] = download(both[k], out);
    }
    assertClose(what, results[0], results[1], tol);
  }

  @ParameterizedTest(name = "transA={0}")
  @ValueSource(booleans = {false, true})
  void matmulOverManyTilesAndPanels(boolean transA) {
    int m = 131;
    int n = 70;
    int k = 97;
    for (boolean transB : new boolean[] {false, true}) {
      // batch 3, A broadcast (stride 0), B at an offset, C with a gap between matrices
      MatmulSpec spec =
          new MatmulSpec(
              3, m, n, k, transA, transB, 5, 0, 3, (long) k * n, 2, (long) m * n + 7, 0.75, 0.5);
      float[] a = data(1, 5 + m * k);
      float[] b = data(2, 3 + 3 * k * n);
      float[] c = data(3, 2 + 3 * (m * n + 7));
      compare(
          "matmul transA=" + transA + " transB=" + transB,
          new float[][] {a, b, c},
          c.length,
          (be, in, out) -> {
            be.copy(in[2], Layout.contiguous(c.length), out, Layout.contiguous(c.length));
            be.matmul(spec, in[0], in[1], out);
          },
          2e-5 * Math.sqrt(k));
    }
  }

  @Test
  void reductionsAndSoftmaxOfLongRows() {
    int outer = 3;
    int axis = 10_007;
    float[] x = data(4, outer * axis);
    for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MAX, ReduceOp.MIN}) {
      compare(
          "reduce " + op,
          new float[][] {x},
          outer,
          (b, in, out) -> b.reduce(op, in[0], Layout.contiguous(outer, axis, 1), out),
          1e-5 * Math.sqrt(axis));
    }
    for (ReduceOp op : new ReduceOp[] {ReduceOp.ARGMAX, ReduceOp.ARGMIN}) {
      int[][] idx = new int[2][];
      Backend[] both = {TestBackends.reference(), OpenClTests.backend()};
      for (int k = 0; k < 2; k++) {
        Buffer out = both[k].allocate(DType.INT32, outer);
        buffers.add(out);
        both[k].reduce(op, upload(both[k], x), Layout.contiguous(outer, axis, 1), out);
        idx[k] = new int[outer];
        both[k].download(out, 0, outer, MemorySegment.ofArray(idx[k]));
      }
      assertArrayEquals(idx[0], idx[1], "reduce " + op);
    }
    for (boolean log : new boolean[] {false, true}) {
      compare(
          "softmax log=" + log,
          new float[][] {x},
          x.length,
          (b, in, out) -> b.softmax(in[0], Layout.contiguous(outer, axis, 1), log, out),
          1e-5);
    }
  }

  /** Rows long enough for a work-group each: NaN propagates, the first NaN and first tie win. */
  @Test
  void rowReductionsWithNaNAndTies() {
    int axis = OpenClBackend.ROW_GROUP_MIN * 5 + 3;
    float[] x = new float[4 * axis];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 7919) % 13 - 6; // many ties of the extremes 6 and -6
    }
    x[axis + 200] = Float.NaN; // row 1: one NaN
    x[2 * axis + 17] = Float.NaN; // row 2: two NaNs, the first wins
    x[2 * axis + 300] = Float.NaN;
    Backend[] both = {TestBackends.reference(), OpenClTests.backend()};
    for (ReduceOp op : ReduceOp.values()) {
      float[][] v = new float[2][];
      int[][] idx = new int[2][];
      for (int k = 0; k < 2; k++) {
        Buffer out = both[k].allocate(op.producesIndices() ? DType.INT32 : DType.FLOAT32, 4);
        buffers.add(out);
        both[k].reduce(op, upload(both[k], x), Layout.contiguous(4, axis, 1), out);
        if (op.producesIndices()) {
          idx[k] = new int[4];
          both[k].download(out, 0, 4, MemorySegment.ofArray(idx[k]));
        } else {
          v[k] = download(both[k], out);
        }
      }
      if (op.producesIndices()) {
        assertArrayEquals(idx[0], idx[1], "reduce " + op);
      } else {
        assertClose("reduce " + op, v[0], v[1], 1e-6);
      }
    }
  }

  @Test
  void binaryOverViewsOfRankTenRunsInChunks() {
    int[] shape = {2, 2, 2, 2, 2, 1, 2, 2, 2, 3, 2};
    // a transposed view (reversed strides) breaks every merge, so all ten dimensions stay
    Layout contiguous = Layout.contiguous(shape);
    long[] s = contiguous.strides();
    long[] reversed = new long[s.length];
    long stride = 1;
    for (int d = 0; d < shape.length; d++) {
      reversed[d] = stride;
      stride *= shape[d];
    }
    Layout transposed = new Layout(shape, reversed, 0);
    assertEquals(10, Views.of(transposed, contiguous).rank(), "the simplified rank");
    int n = (int) contiguous.elementCount();
    float[] a = data(5, n);
    float[] b = data(6, n);
    compare(
        "binary over rank 10",
        new float[][] {a, b},
        n,
        (be, in, out) ->
            be.binary(BinaryOp.SUB, in[0], transposed, in[1], contiguous, out, contiguous),
        0);
  }

  @Test
  void overlappingCopyThroughCoreIsStaged() {
    float[] x = data(7, 40);
    // shift 30 elements right by 5 in place, as memmove does (core stages it through a copy)
    compare(
        "overlapping copy",
        new float[][] {x},
        40,
        (b, in, out) -> {
          b.copy(in[0], Layout.contiguous(40), out, Layout.contiguous(40));
          CheckedBackend.of(b)
              .copy(
                  out,
                  Layout.contiguous(new int[] {30}, 0),
                  out,
                  Layout.contiguous(new int[] {30}, 5));
        },
        0);
  }

  @Test
  void scatterAddWithManyRepeatsIsExact() {
    int outer = 2;
    int count = 500;
    int inner = 3;
    int axis = 7;
    int[] idx = new int[count];
    for (int j = 0; j < count; j++) {
      idx[j] = (j * j) % axis;
    }
    float[] src = data(8, outer * count * inner);
    compare(
        "scatterAdd",
        new float[][] {src},
        outer * axis * inner,
        (b, in, out) -> b.scatterAdd(in[0], outer, count, inner, ints(b, idx), axis, out),
        0);
  }

  @Test
  void randomIntoInt32MatchesReference() {
    int[][] got = new int[2][];
    Backend[] both = {TestBackends.reference(), OpenClTests.backend()};
    for (int k = 0; k < 2; k++) {
      Buffer out = both[k].allocate(DType.INT32, 1000);
      buffers.add(out);
      both[k].random(Distribution.UNIFORM, -50, 50, 99, 12345, out, 1000);
      got[k] = new int[1000];
      both[k].download(out, 0, 1000, MemorySegment.ofArray(got[k]));
    }
    assertArrayEquals(got[0], got[1]);
  }

  @Test
  void closingFromAnotherThreadReleasesOnce() throws InterruptedException {
    OpenClBackend cl = OpenClTests.backend();
    long before = cl.liveBuffers();
    Buffer b = cl.allocate(DType.FLOAT32, 1000);
    assertEquals(before + 1, cl.liveBuffers());
    Thread t = new Thread(b::close);
    t.start();
    t.join();
    b.close();
    assertTrue(b.isReleased());
    assertEquals(before, cl.liveBuffers(), "live buffers after close from another thread");
  }

  @Test
  void releasedBuffersAreReusedAndAllocateStillFillsZeros() {
    OpenClBackend cl = OpenClTests.backend();
    int n = 12_347; // a size no other test allocates
    float[] sevens = new float[n];
    Arrays.fill(sevens, 7f);
    Buffer first = cl.allocate(DType.FLOAT32, n);
    cl.upload(MemorySegment.ofArray(sevens), first, 0, n);
    long pooled = cl.pooledBytes();
    first.close();
    assertEquals(pooled + 4L * n, cl.pooledBytes(), "a released buffer is kept for reuse");
    try (Buffer again = cl.allocate(DType.FLOAT32, n)) {
      assertEquals(pooled, cl.pooledBytes(), "the next allocation of that size takes it");
      assertArrayEquals(new float[n], download(cl, again), "allocate fills zeros on reuse too");
      cl.upload(MemorySegment.ofArray(sevens), again, 0, n);
    }
    try (Buffer over = cl.allocateForOverwrite(DType.FLOAT32, n)) {
      assertEquals(pooled, cl.pooledBytes(), "allocateForOverwrite takes a pooled buffer too");
      float[] ramp = data(5, n);
      cl.upload(MemorySegment.ofArray(ramp), over, 0, n);
      assertArrayEquals(ramp, download(cl, over));
    }
  }

  @Test
  void buffersReleasedAfterTheBackendClosesGoToTheDriver() {
    OpenClTests.assumePlatform();
    var provider = dev.heed.core.Plugins.shared().backends().get("opencl");
    OpenClBackend own = (OpenClBackend) provider.create(provider.options().defaults("opencl"));
    Buffer kept = own.allocate(DType.FLOAT32, 100);
    own.allocate(DType.FLOAT32, 100).close();
    assertEquals(400, own.pooledBytes());
    own.close();
    assertEquals(0, own.pooledBytes(), "closing the backend releases the pool");
    kept.close();
    assertEquals(0, own.pooledBytes(), "a release after close is not pooled");
    assertEquals(0, own.liveBuffers());
  }

  @Test
  void badIndexIsAnErrorBeforeAnythingIsWritten() {
    Backend cl = CheckedBackend.of(OpenClTests.backend());
    float[] src = data(9, 12);
    Buffer s = upload(cl, src);
    Buffer out = upload(cl, new float[] {1, 2, 3, 4, 5, 6});
    Buffer idx = ints(cl, new int[] {0, 4});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> cl.gather(s, 1, 4, 3, idx, 2, out));
    assertTrue(e.getMessage().contains("index 4 at position 1"), e.getMessage());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, download(cl, out));
  }
}

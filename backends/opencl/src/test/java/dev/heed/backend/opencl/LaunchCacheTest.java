package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.UnaryOp;
import dev.heed.core.backend.replay.Capture;
import dev.heed.core.backend.replay.Plan;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Kernel objects kept with their arguments set ({@link ClKernel}, {@link Launch}): a replayed step
 * sets no argument and gives the eager results, with buffers released and allocated again between
 * steps; a {@code cl_mem} handle the driver hands out again is never taken for the released one;
 * the number of objects is bounded.
 */
class LaunchCacheTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int ROWS = 6;
  private static final int IN = 8;
  private static final int HIDDEN = 16;
  private static final int OUT = 4;

  private static OpenClBackend open(int kernelObjects, long poolBytes) {
    OpenClTests.assumePlatform();
    return new OpenClBackend(
        Cl.library(), ClDevices.select("0", "0"), null, kernelObjects, poolBytes);
  }

  private static float[] data(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  private static Tensor param(Backend b, long seed, int... shape) {
    return Scope.outside(() -> Tensors.normal(b, Shape.of(shape), F32, 0, 0.5, seed));
  }

  /**
   * A small forward pass: two products, tanh, elementwise work, a softmax over a transposed view
   * (strided kernels) and a reduction broadcast back.
   */
  @SuppressWarnings("try")
  private static Function<float[], float[]> step(Backend be, Tensor w1, Tensor b1, Tensor w2) {
    return x -> {
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor in = Tensors.of(be, F32, x, ROWS, IN);
        Tensor h = Elementwise.tanh(Linalg.linear(in, w1, b1));
        Tensor o = Linalg.linear(h.mul(h).add(h), w2, null).transpose(0, 1);
        return NeuralOps.softmax(o, 1).add(o.sum(1, true)).toFloatArray();
      }
    };
  }

  /**
   * Allocates buffers of the step's sizes and others, fills them with NaN and releases them in a
   * shuffled order, so that the next eager step gets other pooled {@code cl_mem} objects and the
   * pool holds handles last written by something else.
   */
  private static void churn(Backend raw, Random r) {
    List<Buffer> held = new ArrayList<>();
    int[] sizes = {ROWS * IN, ROWS * HIDDEN, ROWS * OUT, OUT, HIDDEN, 97, 1000 + r.nextInt(50)};
    for (int size : sizes) {
      for (int k = 0; k < 1 + r.nextInt(3); k++) {
        Buffer b = raw.allocateForOverwrite(F32, size);
        raw.fill(b, 0, size, Double.NaN);
        held.add(b);
      }
    }
    Collections.shuffle(held, r);
    held.forEach(Buffer::close);
  }

  @Test
  @SuppressWarnings("try")
  void aReplayedStepSetsNoArgumentAndGivesTheEagerResults() {
    try (OpenClBackend raw = open(OpenClBackend.KERNEL_OBJECTS, 1L << 28);
        ReplayBackend be = ReplayBackend.borrowing(raw)) {
      Random r = new Random(7);
      Tensor w1 = param(be, 1, HIDDEN, IN);
      Tensor b1 = param(be, 2, HIDDEN);
      Tensor w2 = param(be, 3, OUT, HIDDEN);
      for (int generation = 0; generation < 2; generation++) {
        Function<float[], float[]> step = step(be, w1, b1, w2);
        step.apply(data(0, ROWS * IN)); // what the step makes lazily, outside the capture
        float[] first = data(1, ROWS * IN);
        Plan plan;
        try (Capture c = be.capture((Object) first)) {
          float[] out = step.apply(first);
          plan = c.finish((Object) out).orElseThrow(() -> new AssertionError(c.refusal()));
        }
        try (plan) {
          Object[] out = plan.newOutputs();
          long[] warm = raw.launchCounts();
          plan.replay(new Object[] {first}, out); // sets what the capture's objects did not hold
          long enqueued = raw.launchCounts()[1] - warm[1];
          assertTrue(enqueued > 0, "a replay enqueues the step's kernels");
          for (int i = 0; i < 30; i++) {
            float[] x = data(100 + i, ROWS * IN);
            float[] eager = step.apply(x);
            churn(raw, r);
            long[] before = raw.launchCounts();
            plan.replay(new Object[] {x}, out);
            long[] after = raw.launchCounts();
            assertArrayEquals(eager, (float[]) out[0], "generation " + generation + ", step " + i);
            assertEquals(0, after[0] - before[0], "a replay sets no kernel argument");
            // every kernel of the plan (adjacent elementwise calls fused into one) once
            assertEquals(enqueued, after[1] - before[1], "the replay enqueued the step's kernels");
          }
        }
        // new parameters, in the released ones' pooled cl_mem objects, and a new plan
        for (Tensor p : List.of(w1, b1, w2)) {
          p.close();
        }
        churn(raw, r);
        w1 = param(be, 11 + generation, HIDDEN, IN);
        b1 = param(be, 12 + generation, HIDDEN);
        w2 = param(be, 13 + generation, OUT, HIDDEN);
      }
      for (Tensor p : List.of(w1, b1, w2)) {
        p.close();
      }
    }
  }

  @Test
  void aHandleTheDriverHandsOutAgainIsSetAnew() {
    // no pool: every released cl_mem goes back to the driver, which may hand out its address again
    try (OpenClBackend b = open(OpenClBackend.KERNEL_OBJECTS, 0)) {
      int n = 64;
      Layout l = Layout.contiguous(n);
      Set<Long> released = new HashSet<>();
      int reused = 0;
      for (int round = 0; round < 20; round++) {
        float[] av = data(2 * round, n);
        float[] bv = data(2 * round + 1, n);
        ClBuffer a = (ClBuffer) b.allocateForOverwrite(F32, n);
        ClBuffer c = (ClBuffer) b.allocateForOverwrite(F32, n);
        ClBuffer y = (ClBuffer) b.allocateForOverwrite(F32, n);
        b.upload(MemorySegment.ofArray(av), a, 0, n);
        b.upload(MemorySegment.ofArray(bv), c, 0, n);
        long set = b.launchCounts()[0];
        b.binary(BinaryOp.ADD, a, l, c, l, y, l);
        // all three are new cl_mem objects, whatever their addresses: no held object matches
        long setNow = b.launchCounts()[0] - set;
        assertTrue(setNow >= 3, "round " + round + ": " + setNow + " arguments set");
        float[] got = new float[n];
        b.download(y, 0, n, MemorySegment.ofArray(got));
        for (int i = 0; i < n; i++) {
          assertEquals(av[i] + bv[i], got[i], "round " + round + ", element " + i);
        }
        for (ClBuffer x : List.of(a, c, y)) {
          if (!released.add(x.mem().address())) {
            reused++;
          }
          x.close();
        }
      }
      assertTrue(reused > 0, "the driver handed out a released cl_mem's address again");
    }
  }

  @Test
  void theArgumentCacheIsBoundedPerKernelAndInAll() {
    int n = 64;
    Layout l = Layout.contiguous(n);
    float[] xv = data(5, n);
    try (OpenClBackend one = open(OpenClBackend.KERNEL_OBJECTS, 1L << 20)) {
      OpenClBackend b = one;
      Buffer x = b.allocateForOverwrite(F32, n);
      Buffer y = b.allocateForOverwrite(F32, n);
      b.upload(MemorySegment.ofArray(xv), x, 0, n);
      int values = ClKernel.PER_KERNEL + 100;
      for (int i = 0; i < values; i++) {
        b.unary(UnaryOp.AFFINE, i, -i, x, l, y, l); // a new argument set each time
      }
      assertEquals(ClKernel.PER_KERNEL, b.kernelObjects(), "one kernel keeps PER_KERNEL objects");
      long set = b.launchCounts()[0];
      for (int i = values - ClKernel.PER_KERNEL; i < values; i++) {
        b.unary(UnaryOp.AFFINE, i, -i, x, l, y, l);
      }
      assertEquals(0, b.launchCounts()[0] - set, "the most recent argument sets are still held");
      b.unary(UnaryOp.AFFINE, 3, -3, x, l, y, l);
      assertEquals(2, b.launchCounts()[0] - set, "an evicted one sets the two values anew");
      checkAffine(b, y, xv, 3);
      x.close();
      y.close();
    }
    // a small bound over all kernels: every kernel keeps at least one object, none more beyond it
    OpenClBackend b = open(4, 1L << 20);
    try {
      Buffer x = b.allocateForOverwrite(F32, n);
      Buffer y = b.allocateForOverwrite(F32, n);
      Buffer z = b.allocateForOverwrite(F32, n);
      b.upload(MemorySegment.ofArray(xv), x, 0, n);
      for (int i = 0; i < 50; i++) {
        b.unary(UnaryOp.AFFINE, i, 1, x, l, y, l);
        b.binary(BinaryOp.ADD, x, l, y, l, y, l);
        // x times its element i, broadcast: the strided kernel
        Layout element = new Layout(new int[] {n}, new long[] {0}, i);
        b.binary(BinaryOp.MUL, x, l, x, element, z, l);
        assertTrue(b.kernelObjects() <= 4 + 2, "objects: " + b.kernelObjects());
      }
      float[] got = new float[n];
      b.download(z, 0, n, MemorySegment.ofArray(got));
      for (int k = 0; k < n; k++) {
        assertEquals(xv[k] * xv[49], got[k], "element " + k);
      }
      b.unary(UnaryOp.AFFINE, 7, -7, x, l, y, l);
      checkAffine(b, y, xv, 7);
      x.close();
      y.close();
      z.close();
    } finally {
      b.close();
    }
    assertEquals(0, b.kernelObjects(), "closing the backend releases every object");
  }

  @Test
  void heapTransfersRoundTripThroughTheKeptStagingBufferAndBeyondIt() {
    OpenClBackend b = OpenClTests.backend();
    // below and above the kept staging buffer's 1 MiB, and one that grows it
    for (int n : new int[] {3, 1000, 200_000, 300_000, 17}) {
      float[] x = data(n, n);
      try (Buffer d = b.allocateForOverwrite(F32, n + 2)) {
        b.fill(d, 0, n + 2, -1);
        b.upload(MemorySegment.ofArray(x), d, 1, n);
        float[] back = new float[n + 2];
        b.download(d, 0, n + 2, MemorySegment.ofArray(back));
        assertEquals(-1f, back[0]);
        assertEquals(-1f, back[n + 1]);
        assertArrayEquals(x, Arrays.copyOfRange(back, 1, n + 1), "n = " + n);
      }
    }
  }

  private static void checkAffine(Backend b, Buffer y, float[] xv, int i) {
    float[] got = new float[xv.length];
    b.download(y, 0, xv.length, MemorySegment.ofArray(got));
    for (int k = 0; k < xv.length; k++) {
      assertEquals((float) i * xv[k] + (float) -i, got[k], 1e-5f * Math.abs(i) * 4, "element " + k);
    }
  }
}

package dev.heed.core.backend.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.BinaryOp;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.CheckedBackend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.support.DelegatingBackend;
import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.nn.Seeds;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Capture and replay on core's reference kernels: a replay gives the eager results bit for bit,
 * allocates nothing, and every step that a replay could get wrong is refused.
 */
class ReplayTest {
  private static final DType F32 = DType.FLOAT32;

  /** Core's reference kernels. */
  static final class Reference extends HeapBackend {
    @Override
    public String name() {
      return "reference";
    }

    @Override
    public String deviceDescription() {
      return "core's reference kernels";
    }
  }

  /** The reference kernels, counting allocations. */
  static final class Counting extends DelegatingBackend {
    int allocations;

    Counting() {
      super(new Reference());
    }

    @Override
    public Buffer allocate(DType dtype, long size) {
      allocations++;
      return super.allocate(dtype, size);
    }

    @Override
    public Buffer allocateForOverwrite(DType dtype, long size) {
      allocations++;
      return super.allocateForOverwrite(dtype, size);
    }
  }

  private final Counting reference = new Counting();
  private final ReplayBackend be = ReplayBackend.over(reference);

  @AfterEach
  void close() {
    be.close();
  }

  private Tensor param(long seed, int... shape) {
    return Scope.outside(() -> Tensors.normal(be, Shape.of(shape), F32, 0, 0.5, seed));
  }

  private static float[] data(long seed, int n) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) r.nextGaussian();
    }
    return x;
  }

  /** An inference step: the input uploaded from {@code in[0]}, the output downloaded. */
  @SuppressWarnings("try")
  private static Function<Object[], Object[]> inference(Function<float[], Tensor> forward) {
    return in -> {
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        return new Object[] {forward.apply((float[]) in[0]).toFloatArray()};
      }
    };
  }

  private Function<Object[], Object[]> mlp(int batch) {
    Tensor w1 = param(1, 16, 8);
    Tensor b1 = param(2, 16);
    Tensor w2 = param(3, 5, 16);
    Tensor b2 = param(4, 5);
    return inference(x ->
        Linalg.linear(Linalg.linear(Tensors.of(be, F32, x, batch, 8), w1, b1).tanh(), w2, b2)
            .softmax(1));
  }

  private Function<Object[], Object[]> attention(int batch, int t, int d, int heads) {
    Tensor wqkv = param(5, 3 * d, d);
    Tensor bqkv = param(6, 3 * d);
    Tensor wo = param(7, d, d);
    Tensor ln = Scope.outside(() -> Tensors.ones(be, Shape.of(d), F32));
    Tensor lnb = param(8, d);
    return inference(x -> {
      Tensor in = Tensors.of(be, F32, x, batch, t, d);
      Tensor qkv = Linalg.linear(in, wqkv, bqkv);
      Tensor a =
          AttentionOps.selfAttention(qkv, heads, 1 / Math.sqrt(d / heads), 0, false, 0).output();
      return AttentionOps.layerNorm(in.add(Linalg.linear(a, wo, null)), ln, lnb, 1e-5).relu();
    });
  }

  /**
   * Asserts replays equal eager runs; returns the plan's own buffers and the step's allocations.
   */
  private int[] assertReplaysEager(Function<Object[], Object[]> step, int inputSize) {
    float[] first = data(11, inputSize);
    Object[] captured;
    Plan once;
    try (Capture c = be.capture(first)) {
      captured = step.apply(new Object[] {first});
      once = c.finish(captured).orElseThrow();
    }
    // the second run, compared call by call with the first
    float[] second = data(10, inputSize);
    Optional<Plan> plan;
    try (once;
        Capture c = be.recapture(once, second)) {
      plan = c.finish(step.apply(new Object[] {second}));
      assertEquals(Optional.empty(), c.refusal());
    }
    assertTrue(plan.isPresent());
    try (Plan p = plan.get()) {
      for (long seed = 11; seed < 14; seed++) {
        float[] x = data(seed, inputSize);
        float[] eager = (float[]) step.apply(new Object[] {x})[0];
        Object[] out = p.newOutputs();
        int before = reference.allocations;
        p.replay(new Object[] {x}, out);
        assertEquals(before, reference.allocations, "a replay allocates nothing");
        assertArrayEquals(eager, (float[]) out[0], "replay of input " + seed);
      }
      assertArrayEquals((float[]) captured[0], (float[]) step.apply(new Object[] {first})[0]);
      return new int[] {p.ownBufferCount(), p.allocationCount()};
    }
  }

  @Test
  void mlpReplayGivesTheEagerResultsBitForBit() {
    assertReplaysEager(mlp(4), 4 * 8);
  }

  @Test
  void attentionReplayGivesTheEagerResultsBitForBit() {
    int[] buffers = assertReplaysEager(attention(2, 5, 8, 2), 2 * 5 * 8);
    assertTrue(buffers[0] < buffers[1], "scratch reused: " + buffers[0] + " of " + buffers[1]);
  }

  @Test
  void zeroedAllocationsAreZeroedAgainOnReplay() {
    // an accumulation into a buffer that allocate() zeroed: a replay must not add to the last one
    CheckedBackend k = CheckedBackend.of(be);
    Layout l = Layout.contiguous(8);
    Function<Object[], Object[]> step =
        in -> {
          float[] out = new float[8];
          try (Buffer acc = k.allocate(F32, 8);
              Buffer x = k.allocateForOverwrite(F32, 8)) {
            k.upload(MemorySegment.ofArray((float[]) in[0]), x, 0, 8);
            k.binary(BinaryOp.ADD, acc, l, x, l, acc, l);
            k.download(acc, 0, 8, MemorySegment.ofArray(out));
          }
          return new Object[] {out};
        };
    assertReplaysEager(step, 8);
  }

  @Test
  void aShapeChangeCapturesAgainAndAPlanRefusesOtherShapes() {
    Function<Object[], Object[]> four = mlp(4);
    Function<Object[], Object[]> six = mlp(6);
    try (StepReplay<Integer> replay = new StepReplay<>(be)) {
      for (int round = 0; round < 3; round++) {
        for (int n : new int[] {4, 6}) {
          Function<Object[], Object[]> step = n == 4 ? four : six;
          float[] x = data(round * 10 + n, n * 8);
          float[] eager = (float[]) step.apply(new Object[] {x})[0];
          float[] got = (float[]) replay.run(n, new Object[] {x}, step)[0];
          assertArrayEquals(eager, got, "batch " + n + ", round " + round);
        }
      }
    }
    float[] x4 = data(1, 32);
    Plan p;
    try (Capture c = be.capture(x4)) {
      p = c.finish(four.apply(new Object[] {x4})).orElseThrow();
    }
    try (p) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> p.replay(new Object[] {new float[48]}, p.newOutputs()));
      assertTrue(e.getMessage().contains("float[32] as captured"), e.getMessage());
    }
  }

  private String refusal(Function<Object[], Object[]> step, float[] x) {
    try (Capture c = be.capture(x)) {
      Object[] out = step.apply(new Object[] {x});
      assertFalse(c.finish(out).isPresent());
      return c.refusal().orElseThrow();
    }
  }

  /** Dropout, then self-attention with dropout; the input from {@code in[0]}, seeds from in[1]. */
  @SuppressWarnings("try")
  private Function<Object[], Object[]> dropoutStep(Tensor wqkv) {
    return in -> {
      Seeds seeds = (Seeds) in[1];
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor x =
            NeuralOps.dropout(
                Tensors.of(be, F32, (float[]) in[0], 1, 4, 8), 0.3, true, seeds.next());
        return new Object[] {
          AttentionOps.selfAttention(Linalg.linear(x, wqkv, null), 2, 0.5, 0.2, true, seeds.next())
              .output()
              .toFloatArray()
        };
      }
    };
  }

  /**
   * Dropout (a random kernel) and attention dropout whose seeds are draws of a {@link Seeds} stream
   * the step declares among its inputs: each replay draws the next seeds from the stream it is
   * given, exactly as an eager run does, so replayed masks equal an eager twin's bit for bit and
   * both streams end at the same position.
   */
  @Test
  void dropoutFromADeclaredSeedStreamReplaysTheEagerDraws() {
    Function<Object[], Object[]> step = dropoutStep(param(5, 24, 8));
    Seeds replayed = new Seeds(99);
    Plan first;
    Object[] in1 = {data(1, 32), replayed};
    try (Capture c = be.capture(in1)) {
      first = c.finish(step.apply(in1)).orElseThrow(() -> new AssertionError(c.refusal()));
    }
    Plan plan;
    Object[] in2 = {data(2, 32), replayed};
    try (first;
        Capture c = be.recapture(first, in2)) {
      plan = c.finish(step.apply(in2)).orElseThrow(() -> new AssertionError(c.refusal()));
    }
    try (plan) {
      Seeds eager = new Seeds(99);
      step.apply(new Object[] {data(1, 32), eager});
      step.apply(new Object[] {data(2, 32), eager});
      for (int i = 3; i < 9; i++) {
        float[] want = (float[]) step.apply(new Object[] {data(i, 32), eager})[0];
        Object[] got = plan.newOutputs();
        plan.replay(new Object[] {data(i, 32), replayed}, got);
        assertArrayEquals(want, (float[]) got[0], "step " + i);
      }
      assertEquals(eager.position(), replayed.position());
      // another stream in the same slot: the replay draws from the stream it is given
      Seeds other = new Seeds(5);
      Seeds otherEager = new Seeds(5);
      float[] want = (float[]) step.apply(new Object[] {data(9, 32), otherEager})[0];
      Object[] got = plan.newOutputs();
      plan.replay(new Object[] {data(9, 32), other}, got);
      assertArrayEquals(want, (float[]) got[0], "another stream");
      assertEquals(otherEager.position(), other.position());
    }
  }

  @Test
  void seedsFromAStreamTheStepDidNotDeclareAreRefused() {
    Function<Object[], Object[]> step = dropoutStep(param(5, 24, 8));
    float[] x = data(1, 32);
    try (Capture c = be.capture(x)) {
      assertFalse(c.finish(step.apply(new Object[] {x, new Seeds(3)})).isPresent());
      assertTrue(c.refusal().orElseThrow().contains("declared"), c.refusal().orElseThrow());
    }
  }

  @Test
  void randomNumbersFromAConstantSeedAreRefused() {
    String why =
        refusal(
            inference(x ->
                Tensors.of(be, F32, x, 2, 4).add(Tensors.normal(be, Shape.of(2, 4), F32, 0, 1, 3))),
            new float[8]);
    assertTrue(why.contains("random"), why);
  }

  @Test
  void attentionDropoutFromAConstantSeedIsRefused() {
    Tensor wqkv = param(5, 24, 8);
    String why =
        refusal(
            inference(x ->
                AttentionOps.selfAttention(
                        Linalg.linear(Tensors.of(be, F32, x, 1, 4, 8), wqkv, null),
                        2,
                        0.5,
                        0.2,
                        true,
                        17)
                    .output()),
            new float[32]);
    assertTrue(why.contains("random"), why);
  }

  @Test
  void aHostReadInTheMiddleOfTheStepIsRefused() {
    Tensor w = param(9, 4, 4);
    String why =
        refusal(
            inference(x -> {
              Tensor h = Tensors.of(be, F32, x, 2, 4).matmul(w);
              // a data-dependent branch
              return h.sum().item() > 0 ? h.relu() : h.neg();
            }),
            data(3, 8));
    assertTrue(why.contains("after reading values back"), why);
  }

  @Test
  void uploadsOfOtherHostDataAreRefused() {
    float[] constant = {1, 2, 3, 4, 5, 6, 7, 8};
    String why =
        refusal(
            inference(x -> Tensors.of(be, F32, x, 2, 4).add(Tensors.of(be, F32, constant, 2, 4))),
            new float[8]);
    assertTrue(why.contains("not one of its declared inputs"), why);
  }

  @Test
  void aTensorKeptBeyondTheStepIsRefused() {
    Tensor[] kept = new Tensor[1];
    float[] x = data(5, 8);
    try (Capture c = be.capture(x)) {
      float[] out =
          Scope.outside(() -> {
            kept[0] = Tensors.of(be, F32, x, 2, 4).tanh();
            return kept[0].toFloatArray();
          });
      assertFalse(c.finish(out).isPresent());
      assertTrue(c.refusal().orElseThrow().contains("still in use"));
    }
    assertFalse(kept[0].isClosed());
    kept[0].close();
  }

  @Test
  void aPlanRefusesToRunOnceAParameterItReadsIsReleased() {
    Tensor w = param(9, 4, 4);
    Function<Object[], Object[]> step = inference(x -> Tensors.of(be, F32, x, 2, 4).matmul(w));
    float[] x = data(5, 8);
    Plan p;
    try (Capture c = be.capture(x)) {
      p = c.finish(step.apply(new Object[] {x})).orElseThrow();
    }
    try (p) {
      w.close();
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> p.replay(new Object[] {x}, p.newOutputs()));
      assertTrue(e.getMessage().contains("released since the capture"), e.getMessage());
    }
  }

  @Test
  void aScalarThatChangesBetweenRunsRefusesTheSecondCapture() {
    // a step that scales by a host-side counter: each run passes another scalar to its kernel
    int[] counter = {0};
    Function<Object[], Object[]> step =
        inference(x -> Tensors.of(be, F32, x, 2, 4).mul(++counter[0]));
    float[] x = data(5, 8);
    Plan first;
    try (Capture c = be.capture(x)) {
      first = c.finish(step.apply(new Object[] {x})).orElseThrow();
    }
    try (first;
        Capture c = be.recapture(first, x)) {
      assertFalse(c.finish(step.apply(new Object[] {x})).isPresent());
      assertTrue(c.refusal().orElseThrow().contains("changed between two runs"));
    }
    try (StepReplay<String> replay = new StepReplay<>(be)) {
      for (int i = 0; i < 4; i++) {
        float[] got = (float[]) replay.run("k", new Object[] {x}, step)[0];
        assertEquals(x[1] * counter[0], got[1]);
      }
      assertEquals(0, replay.planCount());
    }
  }

  @Test
  void concurrentRunsOnShortLivedThreadsShareABoundedPoolOfPlans() throws Exception {
    Function<Object[], Object[]> four = mlp(4);
    Function<Object[], Object[]> six = mlp(6);
    int tasks = 200;
    float[][] want = new float[tasks][];
    for (int i = 0; i < tasks; i++) {
      int n = i % 2 == 0 ? 4 : 6;
      want[i] = (float[]) (n == 4 ? four : six).apply(new Object[] {data(i, n * 8)})[0];
    }
    try (StepReplay<Integer> replay = new StepReplay<>(be)) {
      List<Future<float[]>> got = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < tasks; i++) {
          int n = i % 2 == 0 ? 4 : 6;
          float[] x = data(i, n * 8);
          got.add(
              pool.submit(() -> (float[]) replay.run(n, new Object[] {x}, n == 4 ? four : six)[0]));
        }
        for (int i = 0; i < tasks; i++) {
          assertArrayEquals(want[i], got.get(i).get(), "task " + i);
        }
      }
      assertTrue(replay.planCount() >= 2, "plans: " + replay.planCount());
      assertTrue(
          replay.planCount() <= 2 * StepReplay.MAX_PLANS_PER_KEY, "plans: " + replay.planCount());
    }
  }

  @Test
  void aRefusedKeyRunsEagerlyFromThenOn() {
    float[] constant = new float[8];
    Function<Object[], Object[]> step =
        inference(x -> Tensors.of(be, F32, x, 2, 4).add(Tensors.of(be, F32, constant, 2, 4)));
    try (StepReplay<String> replay = new StepReplay<>(be)) {
      for (int i = 0; i < 3; i++) {
        constant[0] = i;
        float[] x = data(i, 8);
        float[] got = (float[]) replay.run("k", new Object[] {x}, step)[0];
        assertEquals(x[0] + i, got[0]);
        assertNotEquals(0, got.length);
      }
    }
  }

  @Test
  void buffersOfAClosedPlanAreFreedAndTheDelegateIsTheReferenceBackend() {
    assertSame(reference, be.delegate());
    assertEquals("reference", be.name());
  }
}

package dev.heed.core.backend.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.Layout;
import dev.heed.core.backend.MatmulSpec;
import dev.heed.core.backend.support.DelegatingBackend;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Index inputs (token ids) in captured steps, on core's reference kernels: an embedding lookup
 * replays the eager results bit for bit, a replay checks the new ids against the bound of every
 * kernel that reads them before it runs anything, and any other use of uploaded ids is refused.
 */
class IndexReplayTest {
  private static final DType F32 = DType.FLOAT32;
  private static final int VOCAB = 10;
  private static final int DIM = 4;

  /** The reference kernels, counting the kernels and transfers issued to them. */
  static final class Counting extends DelegatingBackend {
    int issued;

    Counting() {
      super(new ReplayTest.Reference());
    }

    @Override
    public void upload(MemorySegment host, Buffer dst, long dstOffset, long count) {
      issued++;
      super.upload(host, dst, dstOffset, count);
    }

    @Override
    public void download(Buffer src, long srcOffset, long count, MemorySegment host) {
      issued++;
      super.download(src, srcOffset, count, host);
    }

    @Override
    public void fill(Buffer dst, long offset, long count, double value) {
      issued++;
      super.fill(dst, offset, count, value);
    }

    @Override
    public void copy(Buffer src, Layout srcLayout, Buffer dst, Layout dstLayout) {
      issued++;
      super.copy(src, srcLayout, dst, dstLayout);
    }

    @Override
    public void softmax(Buffer x, Layout xLayout, boolean log, Buffer y) {
      issued++;
      super.softmax(x, xLayout, log, y);
    }

    @Override
    public void matmul(MatmulSpec spec, Buffer a, Buffer b, Buffer c) {
      issued++;
      super.matmul(spec, a, b, c);
    }

    @Override
    public void gather(
        Buffer src, int outer, int axis, int inner, Buffer indices, int count, Buffer out) {
      issued++;
      super.gather(src, outer, axis, inner, indices, count, out);
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

  /**
   * An inference step on the ids {@code in[0]} ({@code [2, 3]}), uploaded from the declared array
   * itself, as a step must present them: one output array.
   */
  @SuppressWarnings("try")
  private Function<Object[], Object[]> inference(Function<Tensor, Tensor> forward) {
    return in -> {
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor ids = Tensors.indices(be, (int[]) in[0], 2, 3);
        return new Object[] {forward.apply(ids).toFloatArray()};
      }
    };
  }

  /** Embedding rows of {@code table} through a linear layer and a softmax. */
  private Function<Object[], Object[]> lookup() {
    Tensor table = param(1, VOCAB, DIM);
    Tensor w = param(2, 3, DIM);
    Tensor b = param(3, 3);
    return inference(ids -> Linalg.linear(NeuralOps.embedding(table, ids), w, b).softmax(2));
  }

  private Plan capture(Function<Object[], Object[]> step, int[] first, int[] second) {
    Plan once;
    try (Capture c = be.capture((Object) first)) {
      once = c.finish(step.apply(new Object[] {first})).orElseThrow(() -> failure(c));
    }
    try (once;
        Capture c = be.recapture(once, (Object) second)) {
      return c.finish(step.apply(new Object[] {second})).orElseThrow(() -> failure(c));
    }
  }

  private static AssertionError failure(Capture c) {
    return new AssertionError(c.refusal().orElse("no reason"));
  }

  private String refusal(Function<Object[], Object[]> step, int[] ids) {
    try (Capture c = be.capture((Object) ids)) {
      Object[] out = step.apply(new Object[] {ids});
      assertFalse(c.finish(out).isPresent());
      return c.refusal().orElseThrow();
    }
  }

  @Test
  void anEmbeddingLookupReplaysTheEagerResultsBitForBit() {
    Function<Object[], Object[]> step = lookup();
    try (Plan p = capture(step, new int[] {1, 2, 3, 4, 5, 6}, new int[] {0, 9, 0, 9, 5, 5})) {
      int[][] batches = {{9, 8, 7, 6, 5, 4}, {3, 3, 3, 3, 3, 3}, {0, 1, 0, 1, 0, 1}};
      for (int[] ids : batches) {
        float[] eager = (float[]) step.apply(new Object[] {ids})[0];
        Object[] out = p.newOutputs();
        p.replay(new Object[] {ids}, out);
        assertArrayEquals(eager, (float[]) out[0], Arrays.toString(ids));
      }
    }
  }

  @Test
  void anOutOfRangeIdFailsBeforeAnyKernelRuns() {
    Function<Object[], Object[]> step = lookup();
    try (Plan p = capture(step, new int[] {1, 2, 3, 4, 5, 6}, new int[] {6, 5, 4, 3, 2, 1})) {
      for (int bad : new int[] {VOCAB, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
        int[] ids = {1, 2, 3, 4, bad, 6};
        float[] untouched = new float[18];
        Arrays.fill(untouched, Float.NaN);
        int before = reference.issued;
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> p.replay(new Object[] {ids}, new Object[] {untouched}));
        assertEquals(
            "gather: index "
                + bad
                + " at position 4 of input 0 (int[6]) is outside the valid range [0, 10); the plan"
                + " ran nothing",
            e.getMessage());
        assertEquals(before, reference.issued, "no kernel or transfer ran");
        assertTrue(Float.isNaN(untouched[0]) && Float.isNaN(untouched[17]), "output untouched");
      }
      // the eager path refuses the same index with the same kind of message
      IllegalArgumentException eager =
          assertThrows(
              IllegalArgumentException.class,
              () -> step.apply(new Object[] {new int[] {1, 2, 3, 4, VOCAB, 6}}));
      assertTrue(
          eager.getMessage().contains("index 10 at position 4 of the indices is outside the valid"),
          eager.getMessage());
      // and the plan still replays good ids
      int[] good = {9, 9, 0, 0, 1, 2};
      Object[] out = p.newOutputs();
      p.replay(new Object[] {good}, out);
      assertArrayEquals((float[]) step.apply(new Object[] {good})[0], (float[]) out[0]);
    }
  }

  @Test
  void idsReadByTwoTablesAreCheckedAgainstTheSmallerOne() {
    Tensor big = param(4, VOCAB, DIM);
    Tensor small = param(5, 7, DIM);
    Function<Object[], Object[]> step =
        inference(ids -> NeuralOps.embedding(big, ids).add(NeuralOps.embedding(small, ids)));
    try (Plan p = capture(step, new int[] {0, 1, 2, 3, 4, 5}, new int[] {6, 6, 6, 0, 0, 0})) {
      int[] ids = {0, 0, 0, 0, 0, 8};
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> p.replay(new Object[] {ids}, p.newOutputs()));
      assertTrue(
          e.getMessage()
              .contains(
                  "index 8 at position 5 of input 0 (int[6]) is outside the valid"
                      + " range [0, 7)"),
          e.getMessage());
      int[] fine = {6, 5, 4, 3, 2, 1};
      Object[] out = p.newOutputs();
      p.replay(new Object[] {fine}, out);
      assertArrayEquals((float[]) step.apply(new Object[] {fine})[0], (float[]) out[0]);
    }
  }

  @Test
  @SuppressWarnings("try")
  void idsUsedOtherThanAsIndicesAreRefused() {
    Tensor table = param(6, VOCAB, DIM);
    // arithmetic on the ids: a cast to floating point (a copy kernel) added to the lookup
    String cast =
        refusal(
            inference(ids ->
                NeuralOps.embedding(table, ids)
                    .add(Shapes.reshape(Shapes.cast(ids, F32), 2, 3, 1))),
            new int[] {1, 2, 3, 4, 5, 6});
    assertTrue(cast.contains("other than as the indices of gather or scatterAdd"), cast);
    // a read back of the ids as the step's output
    int[] ids = {1, 2, 3, 4, 5, 6};
    String read;
    try (Capture c = be.capture((Object) ids)) {
      int[] back;
      try (Scope s = Scope.open()) {
        back = Tensors.indices(be, ids, 2, 3).toIntArray();
      }
      assertFalse(c.finish(back).isPresent());
      read = c.refusal().orElseThrow();
    }
    assertTrue(read.contains("other than as the indices"), read);
  }

  @Test
  void idsThatAreNotADeclaredInputAreRefused() {
    Tensor table = param(7, VOCAB, DIM);
    int[] constant = {1, 2, 3, 4, 5, 6};
    String why =
        refusal(
            inference(ids ->
                NeuralOps.embedding(table, ids)
                    .add(NeuralOps.embedding(table, Tensors.indices(be, constant, 2, 3)))),
            new int[] {0, 0, 0, 1, 1, 1});
    assertTrue(why.contains("not one of its declared inputs"), why);
  }
}

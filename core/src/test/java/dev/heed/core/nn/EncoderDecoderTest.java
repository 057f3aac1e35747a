package dev.heed.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.support.HeapBackend;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link EncoderDecoder}: which part reads the memory, parameter names, and greedy decoding with a
 * scripted decoder (the encoder runs once; each sequence stops at its own stop token; the prefix
 * grows one token a step; a sequence that never stops is cut at maxLength).
 */
@SuppressWarnings("try")
class EncoderDecoderTest {
  private static final Backend BACKEND =
      new HeapBackend() {
        @Override
        public String name() {
          return "reference";
        }

        @Override
        public String deviceDescription() {
          return "core's reference kernels";
        }
      };
  private static final int STOP = 9;

  /** Logits that pick {@code script[b][t]} after a prefix of {@code t + 1} tokens. */
  private static final class Scripted implements MemoryLayer {
    final int[][] script;
    final StringBuilder prefixes = new StringBuilder();

    Scripted(int[][] script) {
      this.script = script;
    }

    @Override
    public Tensor forward(
        Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx) {
      int batch = target.dim(0);
      int time = target.dim(1);
      int[] tokens = target.toIntArray();
      prefixes.append(Arrays.toString(tokens)).append(';');
      double[] logits = new double[batch * time * 10];
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < time; t++) {
          int next = script[b][Math.min(t, script[b].length - 1)];
          logits[(b * time + t) * 10 + next] = 1;
        }
      }
      return Tensors.of(BACKEND, DType.FLOAT64, logits, batch, time, 10);
    }

    @Override
    public int memoryFeatures() {
      return 1;
    }
  }

  @Test
  void greedyRunsTheEncoderOnceAndStopsEachSequenceAtItsStopToken() {
    try (Scope scope = Scope.open()) {
      int[] encoderCalls = {0};
      Layer encoder =
          (x, ctx) -> {
            encoderCalls[0]++;
            return Tensors.zeros(BACKEND, Shape.of(x.dim(0), x.dim(1), 1), DType.FLOAT64);
          };
      Scripted decoder = new Scripted(new int[][] {{4, 5, STOP}, {6, STOP}, {7, 7, 7, 7, 7, 7}});
      EncoderDecoder model = new EncoderDecoder(List.of(encoder), List.of(decoder));
      Tensor source = Tensors.zeros(BACKEND, Shape.of(3, 2), DType.FLOAT64);
      List<int[]> out = model.greedy(source, null, 1, STOP, 4, ForwardContext.inference());
      assertEquals(1, encoderCalls[0]);
      assertArrayEquals(new int[] {4, 5}, out.get(0));
      assertArrayEquals(new int[] {6}, out.get(1));
      assertArrayEquals(new int[] {7, 7, 7, 7}, out.get(2));
      assertTrue(
          decoder.prefixes.toString().startsWith("[1, 1, 1];[1, 4, 1, 6, 1, 7];"),
          decoder.prefixes.toString());
    }
  }

  /**
   * Next-token probabilities by prefix: after [S] 1: 0.5, 2: 0.4; after [S,1] 3: 0.5, 4: 0.4, stop:
   * 0.1; after [S,2] stop: 0.9; after [S,1,3] and [S,1,4] stop. Greedy says 1 3 (P = 0.25); the
   * likeliest answer is 2 (P = 0.36); per token, 1 3 is better (log 0.25 / 3 > log 0.36 / 2).
   */
  private static final class Branching implements MemoryLayer {
    @Override
    public Tensor forward(
        Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx) {
      int batch = target.dim(0);
      int time = target.dim(1);
      int[] tokens = target.toIntArray();
      double[] logits = new double[batch * time * 10];
      Arrays.fill(logits, -40);
      for (int b = 0; b < batch; b++) {
        int at = (b * time + time - 1) * 10;
        int last = tokens[b * time + time - 1];
        if (time == 1) {
          logits[at + 1] = Math.log(0.5);
          logits[at + 2] = Math.log(0.4);
          logits[at + 5] = Math.log(0.1);
        } else if (time == 2 && last == 1) {
          logits[at + 3] = Math.log(0.5);
          logits[at + 4] = Math.log(0.4);
          logits[at + STOP] = Math.log(0.1);
        } else if (time == 2 && last == 2) {
          logits[at + STOP] = Math.log(0.9);
          logits[at + 6] = Math.log(0.1);
        } else {
          logits[at + STOP] = 0;
        }
      }
      return Tensors.of(BACKEND, DType.FLOAT64, logits, batch, time, 10);
    }

    @Override
    public int memoryFeatures() {
      return 1;
    }
  }

  /**
   * Unlikely early stops: after [S] 1: 0.9, stop: 0.06, 2: 0.04; after [S,1] 3: 0.95, stop: 0.05;
   * after [S,2] stop; after [S,1,3] stop. With two beams, three answers have finished after two
   * steps ([], [1], [2], the likeliest P = 0.06), while the live [1,3] (P = 0.855) has not: the
   * search must go on and answer 1 3.
   */
  private static final class EarlyStops implements MemoryLayer {
    @Override
    public Tensor forward(
        Tensor target, Tensor memory, Tensor targetMask, Tensor memoryMask, ForwardContext ctx) {
      int batch = target.dim(0);
      int time = target.dim(1);
      int[] tokens = target.toIntArray();
      double[] logits = new double[batch * time * 10];
      Arrays.fill(logits, -40);
      for (int b = 0; b < batch; b++) {
        int at = (b * time + time - 1) * 10;
        int last = tokens[b * time + time - 1];
        if (time == 1) {
          logits[at + 1] = Math.log(0.9);
          logits[at + STOP] = Math.log(0.06);
          logits[at + 2] = Math.log(0.04);
        } else if (time == 2 && last == 1) {
          logits[at + 3] = Math.log(0.95);
          logits[at + STOP] = Math.log(0.05);
        } else {
          logits[at + STOP] = 0;
        }
      }
      return Tensors.of(BACKEND, DType.FLOAT64, logits, batch, time, 10);
    }

    @Override
    public int memoryFeatures() {
      return 1;
    }
  }

  @Test
  void beamSearchGoesOnWhileALiveBeamCanBeatTheFinishedOnes() {
    try (Scope scope = Scope.open()) {
      Layer encoder = (x, ctx) -> Tensors.zeros(BACKEND, Shape.of(x.dim(0), 1, 1), DType.FLOAT64);
      EncoderDecoder model = new EncoderDecoder(List.of(encoder), List.of(new EarlyStops()));
      Tensor source = Tensors.zeros(BACKEND, Shape.of(1, 1), DType.FLOAT64);
      ForwardContext ctx = ForwardContext.inference();
      assertArrayEquals(new int[] {1, 3}, model.greedy(source, null, 0, STOP, 5, ctx).get(0));
      for (double penalty : new double[] {0, 0.6, 1}) {
        assertArrayEquals(
            new int[] {1, 3},
            model.beam(source, null, 0, STOP, 5, 2, penalty, ctx).get(0),
            "length penalty " + penalty);
      }
    }
  }

  @Test
  void beamSearchFindsTheLikeliestAnswerAndTheLengthPenaltyFavoursLongerOnes() {
    try (Scope scope = Scope.open()) {
      Layer encoder = (x, ctx) -> Tensors.zeros(BACKEND, Shape.of(x.dim(0), 1, 1), DType.FLOAT64);
      EncoderDecoder model = new EncoderDecoder(List.of(encoder), List.of(new Branching()));
      Tensor source = Tensors.zeros(BACKEND, Shape.of(2, 1), DType.FLOAT64);
      ForwardContext ctx = ForwardContext.inference();
      assertArrayEquals(new int[] {1, 3}, model.greedy(source, null, 0, STOP, 5, ctx).get(1));
      assertArrayEquals(new int[] {1, 3}, model.beam(source, null, 0, STOP, 5, 1, 0, ctx).get(1));
      assertArrayEquals(new int[] {2}, model.beam(source, null, 0, STOP, 5, 2, 0, ctx).get(0));
      assertArrayEquals(new int[] {2}, model.beam(source, null, 0, STOP, 5, 4, 0, ctx).get(1));
      assertArrayEquals(new int[] {1, 3}, model.beam(source, null, 0, STOP, 5, 2, 1, ctx).get(0));
      assertArrayEquals(new int[] {1}, model.beam(source, null, 0, STOP, 1, 2, 0, ctx).get(0));
      assertThrows(
          IllegalArgumentException.class, () -> model.beam(source, null, 0, STOP, 5, 0, 0, ctx));
    }
  }

  @Test
  void samplingDrawsTokensAsLikelyAsTheDecoderSaysAndRepeatsUnderASeed() {
    try (Scope scope = Scope.open()) {
      Layer encoder = (x, ctx) -> Tensors.zeros(BACKEND, Shape.of(x.dim(0), 1, 1), DType.FLOAT64);
      EncoderDecoder model = new EncoderDecoder(List.of(encoder), List.of(new Branching()));
      ForwardContext ctx = ForwardContext.inference();
      int n = 4000;
      Tensor source = Tensors.zeros(BACKEND, Shape.of(n, 1), DType.FLOAT64);
      List<int[]> out = model.sample(source, null, 0, STOP, 5, 1.0, 0, 17, ctx);
      int[] first = new int[10];
      for (int[] tokens : out) {
        first[tokens[0]]++;
      }
      assertEquals(0.5, first[1] / (double) n, 0.03);
      assertEquals(0.4, first[2] / (double) n, 0.03);
      assertEquals(0.1, first[5] / (double) n, 0.02);
      List<int[]> again = model.sample(source, null, 0, STOP, 5, 1.0, 0, 17, ctx);
      for (int i = 0; i < n; i++) {
        assertArrayEquals(out.get(i), again.get(i));
      }
      Tensor two = Tensors.zeros(BACKEND, Shape.of(2, 1), DType.FLOAT64);
      List<int[]> greedy = model.greedy(two, null, 0, STOP, 5, ctx);
      List<int[]> top1 = model.sample(two, null, 0, STOP, 5, 1.0, 1, 3, ctx);
      List<int[]> cold = model.sample(two, null, 0, STOP, 5, 1e-3, 0, 3, ctx);
      for (int i = 0; i < 2; i++) {
        assertArrayEquals(greedy.get(i), top1.get(i));
        assertArrayEquals(greedy.get(i), cold.get(i));
      }
      assertThrows(
          IllegalArgumentException.class, () -> model.sample(two, null, 0, STOP, 5, 0, 0, 3, ctx));
    }
  }

  @Test
  void onlyTheDecoderReadsTheMemoryAndParametersAreNamedByPart() {
    Scripted decoder = new Scripted(new int[][] {{STOP}});
    Layer plain = (x, ctx) -> x;
    IllegalArgumentException noMemory =
        assertThrows(
            IllegalArgumentException.class,
            () -> new EncoderDecoder(List.of(plain), List.of(plain)));
    assertTrue(noMemory.getMessage().contains("ignore the source"), noMemory.getMessage());
    IllegalArgumentException inEncoder =
        assertThrows(
            IllegalArgumentException.class,
            () -> new EncoderDecoder(List.of(decoder), List.of(decoder)));
    assertTrue(inEncoder.getMessage().startsWith("encoder layer 0"), inEncoder.getMessage());
    try (Scope scope = Scope.open()) {
      Parameter p =
          new Parameter(Scope.outside(() -> Tensors.zeros(BACKEND, Shape.of(2), DType.FLOAT64)));
      Layer withWeight =
          new Layer() {
            @Override
            public Tensor forward(Tensor input, ForwardContext ctx) {
              return input;
            }

            @Override
            public Map<String, Parameter> namedParameters() {
              return Map.of("weight", p);
            }
          };
      EncoderDecoder model =
          new EncoderDecoder(List.of(plain, withWeight), List.of(decoder, withWeight));
      assertEquals(
          List.of("encoder.1.weight", "decoder.1.weight"),
          List.copyOf(model.namedParameters().keySet()));
    }
  }
}

package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.EncoderDecoder;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Step-by-step decoding (self-attention keys and values cached, the memory projected once,
 * positions offset by the step) against re-running the decoder over the whole prefix, on the
 * date-format transformer's shape (vocabulary 15, width 32, 4 heads, feed-forward 64, 2 + 2 layers,
 * learned positions up to 12) with random weights and a padded batch of sources, on the reference
 * (cpu) backend: every step's logits equal, bit for bit, the last position of the full decoder over
 * the prefix (its scalar loops add the same products in the same order whatever the number of query
 * rows, and a masked key adds an exact 0 to the softmax sum), and greedy decoding, sampling and
 * beam search give the same tokens.
 */
@SuppressWarnings("try")
class StepDecodingTest {
  private static final int VOCABULARY = 15;
  private static final int START = 12;
  private static final int NEW = 12;
  private static final int[] LENGTHS = {10, 7, 4, 9};

  private static Layer layer(String name, Map<String, Object> opts, int in, BuildContext ctx) {
    LayerProvider p = Plugins.shared().layers().get(name);
    return p.create(p.options().resolve(name, opts, Plugins.shared()), in, ctx);
  }

  private static EncoderDecoder model(Backend b, DType dtype, boolean normFirst, String positions) {
    BuildContext ctx = BuildContext.of(b, dtype, 11);
    Map<String, Object> block =
        Map.of(
            "nhead",
            4,
            "dim_feedforward",
            64,
            "dropout",
            0.0,
            "num_layers",
            2,
            "norm_first",
            normFirst);
    Map<String, Object> pos =
        positions.startsWith("learned") ? Map.of("max_len", 12, "init_std", 1.0) : Map.of();
    return new EncoderDecoder(
        List.of(
            layer("embedding", Map.of("embedding_dim", 32, "scale", true), VOCABULARY, ctx),
            layer(positions, pos, 32, ctx),
            layer("transformer-encoder", block, 32, ctx)),
        List.of(
            layer("embedding", Map.of("embedding_dim", 32, "scale", true), VOCABULARY, ctx),
            layer(positions, pos, 32, ctx),
            layer("transformer-decoder", block, 32, ctx),
            layer("lm-head", Map.of("vocab_size", VOCABULARY), 32, ctx)));
  }

  private static Tensor sources(Backend b) {
    SplittableRandom r = new SplittableRandom(5);
    int[] tokens = new int[LENGTHS.length * 10];
    for (int i = 0; i < LENGTHS.length; i++) {
      for (int t = 0; t < 10; t++) {
        tokens[i * 10 + t] = t < LENGTHS[i] ? r.nextInt(12) : 14;
      }
    }
    return Tensors.indices(b, tokens, LENGTHS.length, 10);
  }

  @ParameterizedTest
  @CsvSource({
    "FLOAT64, false, learned-positional-encoding",
    "FLOAT64, true, positional-encoding",
    "FLOAT32, false, learned-positional-encoding",
    "FLOAT32, true, learned-positional-encoding"
  })
  void stepLogitsMatchTheFullDecoder(DType dtype, boolean normFirst, String positions) {
    Backend b = TestBackends.reference();
    try (Scope s = Scope.open();
        GradMode off = GradMode.disable()) {
      EncoderDecoder model = model(b, dtype, normFirst, positions);
      ForwardContext ctx = ForwardContext.inference();
      assertTrue(model.decodesStepwise(ctx));
      Tensor mask = AttentionMasks.fromLengths(b, dtype, LENGTHS, 10);
      Tensor memory = model.encode(sources(b), mask, ctx);
      List<StepLayer.Steps> steps = new ArrayList<>();
      for (Layer l : model.decoder()) {
        steps.add(((StepLayer) l).startSteps(memory, mask, NEW, ctx));
      }
      // a fixed target prefix, different per sequence
      SplittableRandom r = new SplittableRandom(9);
      int batch = LENGTHS.length;
      int[][] target = new int[batch][NEW];
      for (int[] row : target) {
        row[0] = START;
        for (int t = 1; t < NEW; t++) {
          row[t] = r.nextInt(12);
        }
      }
      for (int t = 0; t < NEW; t++) {
        int[] last = new int[batch];
        int[] prefix = new int[batch * (t + 1)];
        for (int i = 0; i < batch; i++) {
          last[i] = target[i][t];
          System.arraycopy(target[i], 0, prefix, i * (t + 1), t + 1);
        }
        Tensor x = Tensors.indices(b, last, batch, 1);
        for (StepLayer.Steps st : steps) {
          x = st.step(x, t, ctx);
        }
        double[] stepped = x.toDoubleArray();
        double[] full =
            Shapes.select(
                    model.decode(Tensors.indices(b, prefix, batch, t + 1), memory, null, mask, ctx),
                    1,
                    t)
                .toDoubleArray();
        assertEquals(batch * VOCABULARY, stepped.length);
        for (int i = 0; i < full.length; i++) {
          assertEquals(full[i], stepped[i], 0, "step " + t);
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"FLOAT32, false", "FLOAT32, true", "FLOAT64, false"})
  void generationGivesTheTokensOfTheRerunningDecoder(DType dtype, boolean normFirst) {
    Backend b = TestBackends.reference();
    try (Scope s = Scope.open()) {
      EncoderDecoder model = model(b, dtype, normFirst, "learned-positional-encoding");
      EncoderDecoder rerun = model.rerunning();
      ForwardContext ctx = ForwardContext.inference();
      assertFalse(rerun.decodesStepwise(ctx));
      Tensor source = sources(b);
      Tensor mask = AttentionMasks.fromLengths(b, dtype, LENGTHS, 10);
      // stop 13 ends some sequences early under these weights; -1 runs all to NEW tokens
      for (int stop : new int[] {13, 3, -1}) {
        assertSame(
            rerun.greedy(source, mask, START, stop, NEW, ctx),
            model.greedy(source, mask, START, stop, NEW, ctx));
        assertSame(
            rerun.sample(source, mask, START, stop, NEW, 1.5, 5, 7, ctx),
            model.sample(source, mask, START, stop, NEW, 1.5, 5, 7, ctx));
        for (int width : new int[] {1, 4}) {
          assertSame(
              rerun.beam(source, mask, START, stop, NEW, width, 0.6, ctx),
              model.beam(source, mask, START, stop, NEW, width, 0.6, ctx));
        }
      }
    }
  }

  private static void assertSame(List<int[]> expected, List<int[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "sequence " + i);
    }
  }

  /** A position-wise layer that is no {@link StepLayer}; it records the lengths it was given. */
  private static final class Recording implements Layer {
    final List<Integer> times = new ArrayList<>();

    @Override
    public Tensor forward(Tensor input, ForwardContext ctx) {
      times.add(input.dim(1));
      return input;
    }

    @Override
    public Map<String, Parameter> namedParameters() {
      return Map.of();
    }
  }

  @Test
  void aDecoderWithoutTheStepInterfaceReRunsThePrefix() {
    Backend b = TestBackends.reference();
    try (Scope s = Scope.open()) {
      EncoderDecoder model = model(b, DType.FLOAT64, false, "learned-positional-encoding");
      Recording recording = new Recording();
      List<Layer> decoder = new ArrayList<>(model.decoder());
      decoder.add(2, recording);
      EncoderDecoder mixed = new EncoderDecoder(model.encoder(), decoder);
      ForwardContext ctx = ForwardContext.inference();
      assertFalse(mixed.decodesStepwise(ctx));
      assertFalse(model.decodesStepwise(ForwardContext.training(new Seeds(1))));
      Tensor source = sources(b);
      Tensor mask = AttentionMasks.fromLengths(b, DType.FLOAT64, LENGTHS, 10);
      List<int[]> out = mixed.greedy(source, mask, START, -1, 5, ctx);
      assertEquals(List.of(1, 2, 3, 4, 5), recording.times);
      assertSame(model.greedy(source, mask, START, -1, 5, ctx), out);
    }
  }
}

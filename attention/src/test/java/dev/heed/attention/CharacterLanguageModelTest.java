package dev.heed.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.nn.Seeds;
import dev.heed.core.nn.Sequential;
import dev.heed.core.tensor.GradMode;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import dev.heed.testkit.TestBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A small causal transformer (blocks by name, {@code causal: true}) learns a character-level
 * language model of the project's own documentation (the first 90% of the root README and this
 * module's README): its cross-entropy on the held-out last 10% falls at least {@link #MARGIN} nats
 * per character below the unigram entropy of that part, and it samples text from its vocabulary,
 * the same text for the same seed.
 */
class CharacterLanguageModelTest {
  private static final int LENGTH = 24;
  private static final int DIM = 32;
  private static final int STEPS = 250;
  private static final double MARGIN = 0.2;

  private static Layer block(String name, Map<String, Object> options, int in, BuildContext ctx) {
    LayerProvider p = Plugins.shared().layers().get(name);
    return p.create(p.options().resolve(name, options, Plugins.shared()), in, ctx);
  }

  @SuppressWarnings("try")
  @Test
  void causalEncoderLearnsTheReadmeAndSamples() throws IOException {
    String readme =
        Files.readString(Path.of("../README.md")) + Files.readString(Path.of("README.md"));
    int cut = readme.length() * 9 / 10;
    CharacterText text = new CharacterText(readme.substring(0, cut), readme);
    CharacterText held = new CharacterText(readme.substring(cut), readme);
    int v = text.vocabularySize();
    Backend cpu = TestBackends.reference();
    BuildContext ctx = BuildContext.of(cpu, DType.FLOAT32, 5);
    Sequential model =
        new Sequential(
            List.of(
                block("embedding", Map.of("embedding_dim", DIM), v, ctx),
                block("positional-encoding", Map.of(), DIM, ctx),
                block(
                    "transformer-encoder",
                    Map.of(
                        "num_layers",
                        2,
                        "nhead",
                        4,
                        "dim_feedforward",
                        96,
                        "dropout",
                        0.0,
                        "norm_first",
                        true,
                        "final_norm",
                        true,
                        "causal",
                        true),
                    DIM,
                    ctx),
                block("lm-head", Map.of("vocab_size", v), DIM, ctx)));
    LossProvider ce = Plugins.shared().losses().get("cross-entropy");
    Loss loss = ce.create(ce.options().defaults("cross-entropy"));
    Adam adam = new Adam(model.parameters(), 3e-3);
    ForwardContext training = ForwardContext.training(new Seeds(2));
    for (int step = 0; step < STEPS; step++) {
      try (Scope s = Scope.open()) {
        CharacterText.Batch b = text.batch(16, LENGTH, step);
        Tensor value = loss.compute(logits(model, cpu, b.inputs(), b.size()), targets(cpu, b));
        adam.zeroGrad();
        value.backward();
        adam.step();
      }
    }
    double validation;
    try (GradMode off = GradMode.disable();
        Scope s = Scope.open()) {
      CharacterText.Batch b = held.batch(64, LENGTH, 1_000_003);
      validation = loss.compute(logits(model, cpu, b.inputs(), b.size()), targets(cpu, b)).item();
    }
    double baseline = held.unigramEntropy();
    assertTrue(
        validation < baseline - MARGIN,
        "validation cross-entropy "
            + validation
            + " nats/char, expected below the unigram entropy "
            + baseline
            + " - "
            + MARGIN);
    String first = sample(model, cpu, text, "Heed ", 40, 7);
    assertEquals(45, first.length());
    first.chars().forEach(c -> text.indexOf((char) c));
    assertEquals(
        first, sample(model, cpu, text, "Heed ", 40, 7), "sampling is deterministic per seed");
  }

  private static Tensor logits(Sequential model, Backend cpu, int[] inputs, int batch) {
    ForwardContext ctx = ForwardContext.training(new Seeds(0));
    Tensor y = model.forward(Tensors.indices(cpu, inputs, batch, inputs.length / batch), ctx);
    return Shapes.reshape(y, -1, y.dim(-1));
  }

  private static Tensor targets(Backend cpu, CharacterText.Batch b) {
    return Tensors.indices(cpu, b.targets(), b.targets().length);
  }

  /** Samples {@code count} characters after {@code prompt} at temperature 1. */
  @SuppressWarnings("try")
  private static String sample(
      Sequential model, Backend cpu, CharacterText text, String prompt, int count, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder(prompt);
    for (int n = 0; n < count; n++) {
      String window = sb.substring(Math.max(0, sb.length() - LENGTH));
      int[] ids = window.chars().map(c -> text.indexOf((char) c)).toArray();
      try (GradMode off = GradMode.disable();
          Scope s = Scope.open()) {
        Tensor y =
            model.forward(Tensors.indices(cpu, ids, 1, ids.length), ForwardContext.inference());
        Tensor last = Shapes.reshape(Shapes.slice(y, 1, ids.length - 1, ids.length), -1);
        double[] p = NeuralOps.softmax(last, 0).toDoubleArray();
        double u = r.nextDouble();
        int pick = p.length - 1;
        for (int i = 0; i < p.length; i++) {
          u -= p[i];
          if (u < 0) {
            pick = i;
            break;
          }
        }
        sb.append(text.charAt(pick));
      }
    }
    return sb.toString();
  }
}

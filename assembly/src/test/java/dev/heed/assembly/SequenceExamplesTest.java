package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.config.HeedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sequence examples ({@code examples/marked-token-recall.yaml}, {@code
 * examples/digit-reversal.yaml}) train through {@link Heed#assemble} to the targets their comments
 * state: at least 99% validation accuracy (per digit for reversal), with variable lengths and
 * padding masks.
 */
class SequenceExamplesTest {
  private static final Path RECALL = Path.of("../examples/marked-token-recall.yaml");
  private static final Path REVERSAL = Path.of("../examples/digit-reversal.yaml");
  private static final Path TEXT = Path.of("../examples/character-language-model.yaml");

  @TempDir Path tmp;

  private TrainResult train(Path example, List<String> overrides, String run) throws IOException {
    List<String> all = new ArrayList<>(List.of("backend=cpu"));
    all.addAll(overrides);
    try (Assembly a = Heed.assemble(Heed.loadConfig(example, all), null)) {
      return a.train(tmp.resolve(run), null);
    }
  }

  private static double best(TrainResult r) {
    double best = 0;
    for (EpochEvent e : r.history()) {
      best = Math.max(best, e.metrics().get("val_accuracy"));
    }
    return best;
  }

  @Test
  void markedTokenRecallWithMultiHeadReaches99Percent() throws IOException {
    TrainResult r = train(RECALL, List.of("training.epochs=20"), "multi-head");
    assertTrue(
        best(r) >= 0.99, "multi-head: validation accuracy " + best(r) + ", expected >= 0.99");
    // the heatmap: each validation example's attention is concentrated on one position
    double[][] w = r.attention().orElseThrow().weights();
    double peak = 0;
    for (double[] row : w) {
      peak += java.util.Arrays.stream(row).max().orElseThrow() / w.length;
    }
    assertTrue(peak > 0.8, "mean largest attention weight " + peak + ", expected > 0.8");
    try (TrainedModel m = Heed.open(r.runDir(), null)) {
      // tokens 5 7 <marker> 9 4 3, padded to 10: the answer is token 9
      List<double[]> p = m.predict(List.of(new double[] {5, 7, 1, 9, 4, 3, 0, 0, 0, 0}));
      int best = 0;
      for (int k = 1; k < p.get(0).length; k++) {
        best = p.get(0)[k] > p.get(0)[best] ? k : best;
      }
      assertEquals("t9", m.outputNames().get(best));
      assertThrows(
          ConfigException.class,
          () -> m.predict(List.of(new double[] {5, 7, 1, 99, 4, 3, 0, 0, 0, 0})));
    }
  }

  @Test
  void markedTokenRecallWithAdditiveReaches99Percent() throws IOException {
    TrainResult r =
        train(RECALL, List.of("training.epochs=20", "model.layers[3].unit=additive"), "additive");
    assertTrue(best(r) >= 0.99, "additive: validation accuracy " + best(r) + ", expected >= 0.99");
  }

  @Test
  void digitReversalReaches99PercentPerDigit() throws IOException {
    TrainResult r = train(REVERSAL, List.of("training.epochs=20"), "reversal");
    assertTrue(
        best(r) >= 0.99,
        "digit-reversal: validation accuracy per digit " + best(r) + ", expected >= 0.99");
  }

  @Test
  void sequenceConfigsResolveAndLoadBack() throws IOException {
    for (Path file : List.of(RECALL, REVERSAL, TEXT)) {
      HeedConfig c = Heed.loadConfig(file, List.of(), PluginSet.shared());
      assertTrue(c.data().sequence());
      assertEquals(c.data().vocabulary(), c.model().inputs());
      Path again = tmp.resolve(file.getFileName());
      Files.writeString(again, c.toYaml());
      HeedConfig d = Heed.loadConfig(again, List.of(), PluginSet.shared());
      assertEquals(c.toYaml(), d.toYaml());
      // the data set's options as recorded (a text file's path made absolute, its vocabulary
      // found) describe the same data set
      assertEquals(c.data().recorded(), d.data().recorded());
      assertEquals(c.data().inputNames(), d.data().inputNames());
      assertEquals(c.data().outputNames(), d.data().outputNames());
      assertEquals(c.data().layout(), d.data().layout());
    }
  }

  @Test
  void badSequenceDataIsNamed() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Heed.loadConfig(RECALL, List.of("data.min_length=12", "data.max_length=10")));
    assertTrue(e.getMessage().contains("data.min_length"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class, () -> Heed.loadConfig(RECALL, List.of("data.inputs=10")));
    assertTrue(
        e.getMessage().contains("data set 'marked-token-recall' has no option 'inputs'"),
        e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> Heed.loadConfig(RECALL, List.of("data.length=5", "data.max_length=5")));
    assertTrue(e.getMessage().contains("data.length"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class, () -> Heed.loadConfig(REVERSAL, List.of("data.vocabulary=5")));
    assertTrue(e.getMessage().contains("expected an integer equal to 11"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () ->
                Heed.loadConfig(
                    Path.of("../examples/seed-simple.yaml"), List.of("data.max_length=5")));
    assertTrue(
        e.getMessage().contains("data set 'seed-regression' has no option 'max_length'"),
        e.getMessage());
  }

  @Test
  void characterLanguageModelLearnsTheReadmeAndSamples() throws IOException {
    TrainResult r =
        train(TEXT, List.of("training.epochs=12", "training.stop.target_value=0.25"), "readme-lm");
    assertTrue(
        best(r) >= 0.25,
        "character model: validation accuracy " + best(r) + ", expected >= 0.25 (space: 0.135)");
    try (TrainedModel m = Heed.open(r.runDir(), null)) {
      String a = m.sample("Heed ", 60, 1.0, 3);
      assertTrue(a.startsWith("Heed "), a);
      assertEquals(65, a.codePointCount(0, a.length()), a);
      assertEquals(a, m.sample("Heed ", 60, 1.0, 3), "the same seed samples the same text");
      String readme = Files.readString(Path.of("../README.md"));
      for (int cp : a.codePoints().toArray()) {
        assertTrue(readme.indexOf(cp) >= 0, "sampled a character outside the README: " + cp);
      }
      ConfigException e = assertThrows(ConfigException.class, () -> m.sample("\u00e9", 5, 1, 1));
      assertTrue(e.getMessage().contains("vocabulary"), e.getMessage());
      assertThrows(ConfigException.class, () -> m.sample("", 5, 1, 1));
    }
  }
}

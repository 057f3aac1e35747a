package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.AttentionSample;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.core.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model summary of a run, and the attention weights of chosen rows. */
class ModelSummaryTest {
  @TempDir Path tmp;

  private static Path train(String example, Path dir, String... more) throws IOException {
    List<String> o =
        new ArrayList<>(
            List.of(
                "training.epochs=1",
                "training.stop.patience=0",
                "training.stop.target_loss=null",
                "backend=cpu"));
    o.addAll(List.of(more));
    try (Assembly a = Heed.assemble(Heed.loadConfig(Path.of("../examples/" + example), o), null)) {
      a.train(dir, null);
    }
    return dir;
  }

  /** Every parameter tensor of the checkpoint, by name, with its shape. */
  private static Map<String, List<Integer>> checkpoint(Path run) throws IOException {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    for (var e : SafeTensors.entries(run.resolve("weights.safetensors"))) {
      List<Integer> d = new ArrayList<>();
      for (int v : e.shape().dims()) {
        d.add(v);
      }
      m.put(e.name(), d);
    }
    return m;
  }

  @Test
  void theSeedNetworkAsTorchinfoShowsIt() throws IOException {
    Path run = train("seed-simple.yaml", tmp.resolve("seed"), "data.examples=100");
    ModelSummary s = ModelSummary.of(run, null);
    assertEquals(List.of(1, 10), s.input());
    assertEquals(3, s.layers().size());
    // torchinfo on Sequential(Linear(10, 10), Tanh(), Linear(10, 5)) with input (1, 10)
    assertEquals(List.of(1, 10), s.layers().get(0).output());
    assertEquals(110, s.layers().get(0).parameters());
    assertEquals(List.of(1, 10), s.layers().get(1).output());
    assertEquals(0, s.layers().get(1).parameters());
    assertEquals(List.of(1, 5), s.layers().get(2).output());
    assertEquals(55, s.layers().get(2).parameters());
    assertEquals(165, s.parameters());
    assertEquals("Dense", s.layers().get(0).type());
    assertEquals(checkpoint(run), parameterShapes(s));
  }

  private static Map<String, List<Integer>> parameterShapes(ModelSummary s) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    s.layers().forEach(r -> m.putAll(r.parameterShapes()));
    return m;
  }

  @Test
  void aSmallTransformerHasTheParametersOfItsCheckpoint() throws IOException {
    Path run =
        train(
            "marked-token-recall.yaml",
            tmp.resolve("tr"),
            "data.examples=64",
            "training.batch_size=32");
    ModelSummary s = ModelSummary.of(run, null);
    assertTrue(s.sequences());
    Map<String, List<Integer>> stored = checkpoint(run);
    assertEquals(stored, parameterShapes(s));
    long total = 0;
    for (List<Integer> d : stored.values()) {
      total += d.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
    }
    assertEquals(total, s.parameters());
    // the last layer answers one row of class scores per example
    assertEquals(1, s.layers().getLast().output().getFirst());
    assertEquals(2, s.layers().getLast().output().size());
    // attention over the positions of a row of token ids: heads and queries averaged, so each
    // row of weights is still a distribution over the keys
    try (TrainedModel m = Heed.open(run, null)) {
      double[] ids = new double[m.inputNames().size()];
      for (int k = 0; k < ids.length; k++) {
        ids[k] = 1 + k % 11;
      }
      AttentionSample a = m.attention(List.of(ids)).orElseThrow();
      assertEquals(ids.length, a.weights()[0].length);
      assertEquals(1.0, java.util.Arrays.stream(a.weights()[0]).sum(), 1e-5);
      assertEquals("position 0", a.positionLabels().getFirst());
      double[] bad = ids.clone();
      bad[2] = 0.5;
      ConfigException e = assertThrows(ConfigException.class, () -> m.attention(List.of(bad)));
      assertTrue(e.getMessage().contains("expected a token id"), e.getMessage());
    }
  }

  @Test
  void aDirectoryWithoutAConfigIsNamed() throws IOException {
    Files.createDirectories(tmp.resolve("empty"));
    ConfigException e =
        assertThrows(ConfigException.class, () -> ModelSummary.of(tmp.resolve("empty"), null));
    assertTrue(
        e.getMessage().contains("not a Heed run directory (no config.yaml)"), e.getMessage());
  }

  @Test
  void featureAttentionWeightsOfChosenRowsAreOneSoftmaxPerRow() throws IOException {
    Path run = train("feature-attention.yaml", tmp.resolve("fa"), "data.examples=200");
    SplittableRandom r = new SplittableRandom(5);
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rows.add(r.doubles(10, -2, 2).toArray());
    }
    try (TrainedModel m = Heed.open(run, null)) {
      AttentionSample a = m.attention(rows).orElseThrow();
      assertEquals(3, a.weights().length);
      assertEquals(m.inputNames(), a.positionLabels());
      assertEquals(List.of("row 1", "row 2", "row 3"), a.exampleLabels());
      for (double[] w : a.weights()) {
        assertEquals(10, w.length);
        assertEquals(1.0, java.util.Arrays.stream(w).sum(), 1e-5);
      }
      // one row alone gets the weights it gets among others (no state between rows)
      AttentionSample one = m.attention(List.of(rows.get(1))).orElseThrow();
      for (int k = 0; k < 10; k++) {
        assertEquals(a.weights()[1][k], one.weights()[0][k], 1e-6);
      }
      ConfigException e =
          assertThrows(ConfigException.class, () -> m.attention(List.of(new double[3])));
      assertTrue(
          e.getMessage().contains("input row 1: found 3 values, expected 10"), e.getMessage());
    }
    Path seed = train("seed-simple.yaml", tmp.resolve("seed"), "data.examples=100");
    try (TrainedModel m = Heed.open(seed, null)) {
      assertTrue(m.attention(List.of(new double[10])).isEmpty(), "no attention layer");
    }
  }
}

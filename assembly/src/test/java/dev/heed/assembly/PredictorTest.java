package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.train.CommittedCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictorTest {
  @TempDir Path tmp;

  private static Path train(Path config, List<String> overrides, Path dir) throws IOException {
    try (Assembly a = Heed.assemble(Heed.loadConfig(config, overrides), null)) {
      a.train(dir, null);
    }
    return dir;
  }

  private static List<String> small(String... more) {
    List<String> o =
        new ArrayList<>(
            List.of(
                "training.epochs=2",
                "training.stop.patience=0",
                "training.stop.target_loss=null",
                "backend=cpu"));
    o.addAll(List.of(more));
    return o;
  }

  /** Batches of 1 … 40 random rows, each of its own size. */
  private static List<List<double[]>> batches(int count, int width, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<List<double[]>> all = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      List<double[]> rows = new ArrayList<>();
      int n = 1 + r.nextInt(40);
      for (int i = 0; i < n; i++) {
        double[] row = new double[width];
        for (int k = 0; k < width; k++) {
          row[k] = r.nextDouble(-2, 2);
        }
        rows.add(row);
      }
      all.add(rows);
    }
    return all;
  }

  /** Eight threads, each through every batch in its own order, get the single-thread answers. */
  private static void eightThreadsAgree(Path run) throws Exception {
    try (Predictor p = Predictor.open(run, null)) {
      List<List<double[]>> in = batches(48, p.inputNames().size(), 11);
      List<List<double[]>> alone = new ArrayList<>();
      for (List<double[]> b : in) {
        alone.add(p.predict(b));
      }
      try (TrainedModel m = Heed.open(run, null)) {
        assertArrayEquals(m.predict(in.get(0)).get(0), alone.get(0).get(0), "as TrainedModel");
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> done = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        for (int t = 0; t < 8; t++) {
          int thread = t;
          done.add(
              pool.submit(() -> {
                start.await();
                int checked = 0;
                for (int round = 0; round < 5; round++) {
                  for (int i = 0; i < in.size(); i++) {
                    int b = (i * (2 * thread + 1) + round) % in.size();
                    List<double[]> got = p.predict(in.get(b));
                    assertEquals(alone.get(b).size(), got.size());
                    for (int r = 0; r < got.size(); r++) {
                      assertArrayEquals(alone.get(b).get(r), got.get(r), "batch " + b);
                      checked++;
                    }
                  }
                }
                return checked;
              }));
        }
        start.countDown();
        int rows = 0;
        for (Future<Integer> f : done) {
          rows += f.get();
        }
        assertTrue(rows > 8 * 5 * 48, "rows checked: " + rows);
      }
    }
  }

  @Test
  void eightThreadsGiveTheSingleThreadAnswersOnTheSeedNetwork() throws Exception {
    eightThreadsAgree(
        train(
            Path.of("../examples/seed-simple.yaml"), small("data.examples=300"), tmp.resolve("s")));
  }

  @Test
  void eightThreadsGiveTheSingleThreadAnswersWithFeatureAttention() throws Exception {
    eightThreadsAgree(
        train(
            Path.of("../examples/feature-attention.yaml"),
            small("data.examples=300"),
            tmp.resolve("f")));
  }

  @Test
  void replayedForwardPassesGiveTheEagerAnswersBitForBit() throws Exception {
    Path run =
        train(
            Path.of("../examples/feature-attention.yaml"),
            small("data.examples=300"),
            tmp.resolve("r"));
    try (Predictor replayed = Predictor.open(run, null, true);
        Predictor eager = Predictor.open(run, null, false)) {
      List<List<double[]>> in = batches(6, eager.inputNames().size(), 5);
      for (int round = 0; round < 3; round++) {
        for (List<double[]> b : in) {
          List<double[]> want = eager.predict(b);
          List<double[]> got = replayed.predict(b);
          for (int r = 0; r < want.size(); r++) {
            assertArrayEquals(
                want.get(r), got.get(r), "round " + round + ", " + b.size() + " rows");
          }
        }
      }
      assertEquals(0, eager.replayPlans());
      long sizes = in.stream().mapToInt(List::size).distinct().count();
      assertEquals(sizes, replayed.replayPlans(), "one plan per batch size");
    }
  }

  /** Rows of token ids 0 … vocabulary-1 (0 is padding), as marked-token-recall's. */
  private static List<List<double[]>> tokenBatches(
      int count, int width, int vocabulary, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<List<double[]>> all = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      List<double[]> rows = new ArrayList<>();
      int n = 1 + b % 3;
      for (int i = 0; i < n; i++) {
        double[] row = new double[width];
        int length = b % 2 == 0 ? width : 4 + r.nextInt(width - 4);
        for (int k = 0; k < length; k++) {
          row[k] = 1 + r.nextInt(vocabulary - 1);
        }
        rows.add(row);
      }
      all.add(rows);
    }
    return all;
  }

  @Test
  void replayedSequenceClassificationGivesTheEagerAnswersAndChecksItsIds() throws Exception {
    Path config = tmp.resolve("tokens.yaml");
    java.nio.file.Files.writeString(
        config,
        """
        seed: 7
        backend: cpu
        data:
          type: marked-token-recall
          examples: 200
          vocabulary: 12
          min_length: 4
          max_length: 10
        model:
          layers:
            - type: embedding
              embedding_dim: 8
            - type: transformer-encoder-layer
              nhead: 2
              dim_feedforward: 16
              dropout: 0.0
            - type: sequence-classification-head
              num_classes: 12
              pooling: mean
        optimizer:
          name: sgd
          lr: 0.05
        training:
          epochs: 1
          batch_size: 32
        """);
    Path run = train(config, List.of(), tmp.resolve("t"));
    try (Predictor replayed = Predictor.open(run, null, true);
        Predictor eager = Predictor.open(run, null, false)) {
      int width = eager.inputNames().size();
      List<List<double[]>> in = tokenBatches(6, width, 12, 3);
      for (int round = 0; round < 3; round++) {
        for (List<double[]> b : in) {
          List<double[]> want = eager.predict(b);
          List<double[]> got = replayed.predict(b);
          for (int r = 0; r < want.size(); r++) {
            assertArrayEquals(
                want.get(r), got.get(r), "round " + round + ", " + b.size() + " rows");
          }
        }
      }
      assertEquals(0, eager.replayPlans());
      // three batch sizes, each with and without padding
      assertEquals(6, replayed.replayPlans(), "one plan per batch size and mask");
      // an id out of range is refused before any step, replayed or not, naming row and input
      double[] bad = in.get(0).get(0).clone();
      bad[2] = 12;
      for (Predictor p : List.of(replayed, eager)) {
        ConfigException e = assertThrows(ConfigException.class, () -> p.predict(List.of(bad)));
        assertTrue(e.getMessage().contains("expected a token id 0 … 11"), e.getMessage());
      }
    }
  }

  @Test
  void knowsItsCheckpointAndItsConfig() throws IOException {
    Path dir = tmp.resolve("c");
    assertTrue(CommittedCheckpoint.read(dir).isEmpty(), "no run yet");
    train(Path.of("../examples/seed-simple.yaml"), small("data.examples=300"), dir);
    CommittedCheckpoint c = CommittedCheckpoint.read(dir).orElseThrow();
    assertEquals(2, c.epoch());
    assertEquals(c, CommittedCheckpoint.read(dir).orElseThrow(), "reading again: the same commit");
    try (Predictor p = Predictor.open(dir, null)) {
      assertEquals(c, p.checkpoint());
      assertEquals("seed-regression", p.dataType());
      assertTrue(!p.generatesText());
      assertEquals(10, p.inputNames().size());
      assertEquals(5, p.outputNames().size());
      assertTrue(p.configYaml().contains("seed-regression"), p.configYaml());
      assertEquals(0, p.predict(List.of()).size());
      ConfigException e =
          assertThrows(ConfigException.class, () -> p.predict(List.of(new double[3])));
      assertTrue(e.getMessage().contains("expected 10"), e.getMessage());
    }
    // training on commits a new checkpoint: another stamp
    java.nio.file.Files.writeString(
        dir.resolve("config.yaml"),
        java.nio.file.Files.readString(dir.resolve("config.yaml"))
            .replace("epochs: 2", "epochs: 3"));
    try (Assembly a = Heed.resume(dir, null)) {
      a.train(dir, null);
    }
    CommittedCheckpoint next = CommittedCheckpoint.read(dir).orElseThrow();
    assertEquals(3, next.epoch());
    assertNotEquals(c.stamp(), next.stamp());
  }
}

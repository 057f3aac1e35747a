package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.heed.assembly.Predictor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the server relies on: one {@link Predictor} shared by eight threads (the batch workers and
 * the request threads) gives the single-thread answers, on the reference backend and on the
 * multi-core one, for the seed network and for a small transformer.
 */
class ThreadedPredictionTest {
  @TempDir static Path tmp;

  private static void agree(Path run, String backend, List<List<double[]>> batches)
      throws Exception {
    try (Predictor p = Predictor.open(run, backend)) {
      List<List<double[]>> alone = new ArrayList<>();
      for (List<double[]> b : batches) {
        alone.add(p.predict(b));
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        for (int t = 0; t < 8; t++) {
          int thread = t;
          done.add(
              pool.submit(() -> {
                start.await();
                for (int round = 0; round < 4; round++) {
                  for (int i = 0; i < batches.size(); i++) {
                    int b = (i * (2 * thread + 1) + round) % batches.size();
                    List<double[]> got = p.predict(batches.get(b));
                    assertEquals(alone.get(b).size(), got.size());
                    for (int r = 0; r < got.size(); r++) {
                      assertArrayEquals(alone.get(b).get(r), got.get(r), backend + " " + b);
                    }
                  }
                }
                return null;
              }));
        }
        start.countDown();
        for (Future<?> f : done) {
          f.get();
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "simd"})
  void theSeedNetwork(String backend) throws Exception {
    Path run = tmp.resolve("seed");
    if (!java.nio.file.Files.isDirectory(run)) {
      Runs.seed(run, 1);
    }
    List<List<double[]>> batches = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      batches.add(Runs.rows(1 + (i * 7) % 64, 10, i));
    }
    agree(run, backend, batches);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "simd"})
  void aSmallTransformer(String backend) throws Exception {
    Path run = tmp.resolve("recall");
    if (!java.nio.file.Files.isDirectory(run)) {
      Runs.train(
          Path.of("../examples/marked-token-recall.yaml"),
          List.of(
              "data.examples=200", "training.epochs=1", "training.stop.patience=0", "backend=cpu"),
          run);
    }
    List<List<double[]>> batches = new ArrayList<>();
    java.util.SplittableRandom r = new java.util.SplittableRandom(3);
    for (int i = 0; i < 16; i++) {
      List<double[]> rows = new ArrayList<>();
      for (int n = 0; n < 1 + i % 9; n++) {
        double[] row = new double[10];
        int len = 4 + r.nextInt(7);
        for (int k = 0; k < len; k++) {
          row[k] = 1 + r.nextInt(11);
        }
        rows.add(row);
      }
      batches.add(rows);
    }
    agree(run, backend, batches);
  }
}

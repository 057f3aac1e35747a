package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.Predictor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that trains on while it is served: new checkpoints are swapped in under load. */
class ReloadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static double[][] predictions(JsonNode body) throws Exception {
    return JSON.treeToValue(body.get("predictions"), double[][].class);
  }

  @Test
  void newCheckpointsAreSwappedInUnderLoadAndRunningWorkFinishesOnTheOldModel() throws Exception {
    Path run = Runs.seed(tmp.resolve("seed"), 2);
    List<double[]> rows = Runs.rows(4, 10, 3);
    String body = Runs.body(rows);
    List<double[]> epoch2;
    try (Predictor p = Predictor.open(run, null)) {
      epoch2 = p.predict(rows);
    }
    try (HeedServer s =
        HeedServer.start(
            Map.of("seed", run),
            ServeOptions.defaults()
                .withPort(0)
                .withBatching(true, 64, Duration.ofMillis(1))
                .withReload(Duration.ofMillis(10), Duration.ofSeconds(5)))) {
      ModelSlot slot = s.slot("seed");
      Lease held = slot.acquire(); // work that started on epoch 2 and is still running
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      Map<Integer, List<double[][]>> seen = new ConcurrentHashMap<>();
      List<Future<Integer>> clients = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int c = 0; c < 8; c++) {
          clients.add(
              pool.submit(() -> {
                int last = 0;
                int n = 0;
                while (!stop.get()) {
                  Http.Reply r = Http.post(s.port(), "/v1/models/seed/predict", body);
                  if (r.status() != 200) {
                    failures.add(r.status() + " " + r.body());
                    continue;
                  }
                  JsonNode j = JSON.readTree(r.body());
                  int epoch = j.get("epoch").asInt();
                  if (epoch < last) {
                    failures.add("epoch " + epoch + " after " + last);
                  }
                  last = epoch;
                  seen.compute(
                      epoch,
                      (k, v) -> {
                        List<double[][]> l = v == null ? new ArrayList<>() : new ArrayList<>(v);
                        if (l.size() < 50) {
                          try {
                            l.add(predictions(j));
                          } catch (Exception e) {
                            failures.add(e.toString());
                          }
                        }
                        return l;
                      });
                  n++;
                }
                return n;
              }));
        }
        Thread.sleep(100);
        Runs.trainOn(run, 2, 4);
        Waits.until(
            () -> slot.peek().checkpoint().epoch() == 4,
            Duration.ofSeconds(10),
            "epoch 4 to be swapped in");
        Thread.sleep(100);
        stop.set(true);
        int answered = 0;
        for (Future<Integer> f : clients) {
          answered += f.get();
        }
        assertTrue(answered > 16, "answered " + answered);
      }
      assertTrue(failures.isEmpty(), failures.toString());
      // the work that held epoch 2 still runs on it, and its model closes when it is done
      assertEquals(2, held.predictor().checkpoint().epoch());
      assertArrayEquals(epoch2.get(0), held.predictor().predict(rows).get(0));
      assertTrue(!held.closed());
      held.release();
      assertTrue(held.closed(), "the old model is closed once its last user is done");

      List<double[]> epoch4;
      try (Predictor p = Predictor.open(run, null)) {
        assertEquals(4, p.checkpoint().epoch());
        epoch4 = p.predict(rows);
      }
      assertTrue(seen.containsKey(2) && seen.containsKey(4), "epochs answered: " + seen.keySet());
      for (Map.Entry<Integer, List<double[][]>> e : seen.entrySet()) {
        double[][] first = e.getValue().get(0);
        for (double[][] p : e.getValue()) {
          for (int r = 0; r < rows.size(); r++) {
            assertArrayEquals(first[r], p[r], "every answer of epoch " + e.getKey() + " agrees");
          }
        }
      }
      for (int r = 0; r < rows.size(); r++) {
        assertArrayEquals(epoch2.get(r), seen.get(2).get(0)[r]);
        assertArrayEquals(epoch4.get(r), seen.get(4).get(0)[r]);
      }
      assertTrue(slot.reloads() >= 1);
      JsonNode ready = JSON.readTree(Http.get(s.port(), "/health/ready").body());
      assertEquals(4, ready.get("models").get("seed").asInt());
    }
  }
}

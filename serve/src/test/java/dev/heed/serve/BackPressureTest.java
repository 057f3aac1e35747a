package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Micro-batching and back-pressure, made deterministic by pausing the batch workers while the queue
 * fills.
 */
class BackPressureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static Path run;

  @BeforeAll
  static void train() throws IOException {
    run = Runs.seed(tmp.resolve("seed"), 1);
  }

  private static HeedServer server(int maxBatch, Duration wait, int queue, Duration timeout)
      throws IOException {
    return HeedServer.start(
        Map.of("seed", run),
        ServeOptions.defaults()
            .withPort(0)
            .withBatching(true, maxBatch, wait)
            .withLimits(1, queue, 1 << 16, 64, timeout)
            .withReload(Duration.ZERO, Duration.ofSeconds(5)));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Waits.until(condition, Duration.ofSeconds(10), "the queue");
  }

  private static List<Future<Http.Reply>> send(ExecutorService pool, int port, int count) {
    List<Future<Http.Reply>> replies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String body = Runs.body(Runs.rows(1, 10, i));
      replies.add(pool.submit(() -> Http.post(port, "/v1/models/seed/predict", body)));
    }
    return replies;
  }

  /**
   * Waits for {@code line} of the metrics to read {@code expected}, then checks it: a request is
   * counted after its answer is sent (its latency includes the send), so a client can see the
   * answer first.
   */
  private static void assertMetric(String expected, HeedServer s, String line, String... why)
      throws InterruptedException {
    Waits.until(
        () -> expected.equals(metric(s, line)),
        Duration.ofSeconds(10),
        line
            + " = "
            + expected
            + (why.length > 0 ? " (" + why[0] + ")" : "")
            + ", last read "
            + metric(s, line));
  }

  private static String metric(HeedServer s, String line) {
    for (String l : s.metrics().scrape().split("\n")) {
      if (l.startsWith(line + " ")) {
        return l.substring(line.length() + 1);
      }
    }
    return null;
  }

  @Test
  void queuedRequestsAreBatchedUpToTheMaximumSize() throws Exception {
    try (HeedServer s = server(8, Duration.ofMillis(300), 64, Duration.ofSeconds(10));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Batcher b = s.batcher("seed");
      b.pause();
      List<Future<Http.Reply>> replies = send(pool, s.port(), 12);
      await(() -> b.queueDepth() == 12);
      b.resume();
      for (Future<Http.Reply> f : replies) {
        assertEquals(200, f.get().status(), f.get().body());
      }
      // twelve one-row requests: a batch of eight, then the four left after the wait
      assertMetric("2", s, "heed_batch_rows_count{model=\"seed\"}");
      assertMetric("12.0", s, "heed_batch_rows_sum{model=\"seed\"}");
      assertMetric("1", s, "heed_batch_rows_bucket{model=\"seed\",le=\"4.0\"}");
      assertMetric("2", s, "heed_batch_rows_bucket{model=\"seed\",le=\"8.0\"}");
    }
  }

  @Test
  void aFullQueueAnswers429AndTheQueuedRequestsStillGetTheirAnswers() throws Exception {
    try (HeedServer s = server(64, Duration.ZERO, 4, Duration.ofSeconds(10));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Batcher b = s.batcher("seed");
      b.pause();
      List<Future<Http.Reply>> queued = send(pool, s.port(), 4);
      await(() -> b.queueDepth() == 4);
      Http.Reply over =
          Http.post(s.port(), "/v1/models/seed/predict", Runs.body(Runs.rows(1, 10, 9)));
      assertEquals(429, over.status(), over.body());
      assertEquals(429, JSON.readTree(over.body()).get("error").get("status").asInt());
      assertTrue(over.body().contains("4 requests are waiting"), over.body());
      b.resume();
      for (Future<Http.Reply> f : queued) {
        assertEquals(200, f.get().status(), f.get().body());
      }
      assertMetric(
          "1.0", s, "heed_requests_total{endpoint=\"predict\",model=\"seed\",status=\"429\"}");
    }
  }

  @Test
  void aRequestThatWaitsTooLongGets503AndLeavesItsBatch() throws Exception {
    try (HeedServer s = server(64, Duration.ZERO, 4, Duration.ofMillis(200))) {
      Batcher b = s.batcher("seed");
      b.pause();
      Http.Reply late =
          Http.post(s.port(), "/v1/models/seed/predict", Runs.body(Runs.rows(1, 10, 1)));
      assertEquals(503, late.status(), late.body());
      assertTrue(late.body().contains("no answer within 200 ms"), late.body());
      b.resume();
      Http.Reply next =
          Http.post(s.port(), "/v1/models/seed/predict", Runs.body(Runs.rows(1, 10, 2)));
      assertEquals(200, next.status(), next.body());
      assertMetric("1", s, "heed_batch_rows_count{model=\"seed\"}", "only the answered one ran");
    }
  }

  @Test
  void withoutBatchingEveryRequestRunsAlone() throws Exception {
    try (HeedServer s =
            HeedServer.start(
                Map.of("seed", run),
                ServeOptions.defaults()
                    .withPort(0)
                    .withBatching(false, 64, Duration.ZERO)
                    .withReload(Duration.ZERO, Duration.ofSeconds(5)));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Http.Reply>> replies = send(pool, s.port(), 16);
      for (Future<Http.Reply> f : replies) {
        assertEquals(200, f.get().status(), f.get().body());
      }
      assertMetric("16", s, "heed_batch_rows_count{model=\"seed\"}");
      assertMetric("16.0", s, "heed_batch_rows_sum{model=\"seed\"}");
    }
  }
}

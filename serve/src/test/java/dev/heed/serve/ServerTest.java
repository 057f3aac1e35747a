package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.Predictor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API of a server on a free loopback port, serving a trained seed network. */
class ServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static Path run;
  private static HeedServer server;
  private static int port;

  @BeforeAll
  static void start() throws IOException {
    run = Runs.seed(tmp.resolve("seed"), 2);
    server =
        HeedServer.start(
            Map.of("seed", run),
            ServeOptions.defaults()
                .withPort(0)
                .withBatching(true, 64, Duration.ofMillis(2))
                .withLimits(2, 64, 4096, 16, Duration.ofSeconds(10))
                .withReload(Duration.ZERO, Duration.ofSeconds(5)));
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  private static JsonNode json(Http.Reply r) throws IOException {
    return JSON.readTree(r.body());
  }

  @Test
  void listsTheModelsWithInputsOutputsCheckpointAndConfig() throws IOException {
    Http.Reply r = Http.get(port, "/v1/models");
    assertEquals(200, r.status(), r.body());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    JsonNode m = json(r).get("models").get(0);
    assertEquals("seed", m.get("name").asText());
    assertEquals(10, m.get("inputs").size());
    assertEquals(5, m.get("outputs").size());
    assertEquals(2, m.get("checkpoint").get("epoch").asInt());
    assertEquals("seed-regression", m.get("config").get("data").get("type").asText());
    assertFalse(m.get("generates_text").asBoolean());
    assertEquals(m, json(Http.get(port, "/v1/models/seed")));
  }

  @Test
  void predictionsAreThePredictorsExactly() throws IOException {
    List<double[]> rows = Runs.rows(5, 10, 1);
    Http.Reply r = Http.post(port, "/v1/models/seed/predict", Runs.body(rows));
    assertEquals(200, r.status(), r.body());
    JsonNode body = json(r);
    assertEquals(2, body.get("epoch").asInt());
    assertEquals(5, body.get("outputs").size());
    try (Predictor p = Predictor.open(run, null)) {
      List<double[]> expected = p.predict(rows);
      for (int i = 0; i < rows.size(); i++) {
        assertArrayEquals(
            expected.get(i), JSON.treeToValue(body.get("predictions").get(i), double[].class));
      }
    }
  }

  @Test
  void concurrentRequestsEachGetTheirOwnRows() throws Exception {
    List<List<double[]>> requests = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      requests.add(Runs.rows(1 + i % 4, 10, 100 + i));
    }
    List<List<double[]>> expected = new ArrayList<>();
    try (Predictor p = Predictor.open(run, null)) {
      for (List<double[]> q : requests) {
        expected.add(p.predict(q));
      }
    }
    List<Future<Http.Reply>> replies = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (List<double[]> q : requests) {
        replies.add(pool.submit(() -> Http.post(port, "/v1/models/seed/predict", Runs.body(q))));
      }
      for (int i = 0; i < requests.size(); i++) {
        Http.Reply r = replies.get(i).get();
        assertEquals(200, r.status(), r.body());
        JsonNode got = json(r).get("predictions");
        assertEquals(expected.get(i).size(), got.size());
        for (int k = 0; k < got.size(); k++) {
          assertArrayEquals(expected.get(i).get(k), JSON.treeToValue(got.get(k), double[].class));
        }
      }
    }
  }

  /** A refused request: the status, and a JSON error naming the field, without a stack trace. */
  private static JsonNode refused(Http.Reply r, int status, String field) throws IOException {
    assertEquals(status, r.status(), r.body());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
    JsonNode e = json(r).get("error");
    assertEquals(status, e.get("status").asInt());
    if (field == null) {
      assertTrue(e.get("field").isNull(), r.body());
    } else {
      assertEquals(field, e.get("field").asText(), r.body());
    }
    assertFalse(e.get("message").asText().isBlank());
    return e;
  }

  @Test
  void malformedRequestsGet400NamingTheFieldAndWhatWasExpected() throws IOException {
    String p = "/v1/models/seed/predict";
    JsonNode e = refused(Http.post(port, p, "{\"rows\": [[1, 2"), 400, null);
    assertTrue(e.get("message").asText().contains("not valid JSON at line 1"), e.toString());
    refused(Http.post(port, p, ""), 400, null);
    refused(Http.post(port, p, "[1, 2]"), 400, null);
    e = refused(Http.post(port, p, "{}"), 400, "rows");
    assertTrue(e.get("expected").asText().contains("array of 10 numbers"), e.toString());
    refused(Http.post(port, p, "{\"rows\": 3}"), 400, "rows");
    refused(Http.post(port, p, "{\"rows\": []}"), 400, "rows");
    refused(Http.post(port, p, "{\"rows\": [[1,2,3,4,5,6,7,8,9,10], [1]]}"), 400, "rows[1]");
    e = refused(Http.post(port, p, "{\"rows\": [[1,2,3,\"x\",5,6,7,8,9,10]]}"), 400, "rows[0][3]");
    assertTrue(e.get("message").asText().contains("found the string \"x\""), e.toString());
    assertTrue(e.get("expected").asText().startsWith("a finite number"), e.toString());
    refused(Http.post(port, p, "{\"rows\": [[1,2,3,null,5,6,7,8,9,10]]}"), 400, "rows[0][3]");
    e = refused(Http.post(port, p, "{\"row\": [[1,2,3,4,5,6,7,8,9,10]]}"), 400, "row");
    assertTrue(e.get("expected").asText().contains("rows"), e.toString());
  }

  @Test
  void tooLargeRequestsGet413() throws IOException {
    String p = "/v1/models/seed/predict";
    refused(Http.post(port, p, Runs.body(Runs.rows(17, 10, 2))), 413, "rows");
    refused(Http.post(port, p, "{\"rows\": [" + " ".repeat(5000) + "]}"), 413, null);
  }

  @Test
  void unknownModelsAndRoutesGet404() throws IOException {
    JsonNode e = refused(Http.post(port, "/v1/models/nope/predict", "{}"), 404, "name");
    assertTrue(e.get("message").asText().contains("expected one of seed"), e.toString());
    e = refused(Http.get(port, "/v2/anything"), 404, null);
    assertTrue(e.get("message").asText().contains("POST /v1/models/{name}/predict"), e.toString());
  }

  @Test
  void generationNeedsALanguageModel() throws IOException {
    refused(
        Http.post(port, "/v1/models/seed/generate", "{\"prompt\": \"a\", \"count\": 3}"),
        400,
        "name");
    refused(Http.post(port, "/v1/models/seed/generate", "{\"prompt\": \"a\"}"), 400, "count");
  }

  @Test
  void aTakenPortIsRefusedWithAMessage() {
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () ->
                HeedServer.start(
                    Map.of("seed", run),
                    ServeOptions.defaults()
                        .withPort(port)
                        .withReload(Duration.ZERO, Duration.ofSeconds(1))));
    assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port), e.getMessage());
  }

  private static String metrics() {
    return Http.get(port, "/metrics").body();
  }

  @Test
  void healthAndMetrics() throws IOException, InterruptedException {
    assertEquals("UP", json(Http.get(port, "/health/live")).get("status").asText());
    JsonNode ready = json(Http.get(port, "/health/ready"));
    assertEquals("UP", ready.get("status").asText());
    assertEquals(2, ready.get("models").get("seed").asInt());
    Http.post(port, "/v1/models/seed/predict", Runs.body(Runs.rows(3, 10, 9)));
    // a request is counted after its answer is sent: wait for the count to show
    String counted = "heed_requests_total{endpoint=\"predict\",model=\"seed\",status=\"200\"}";
    Waits.until(
        () -> metrics().contains(counted), Duration.ofSeconds(10), counted + " in the metrics");
    Http.Reply m = Http.get(port, "/metrics");
    assertEquals(200, m.status());
    for (String name :
        List.of(
            "heed_requests_total{endpoint=\"predict\",model=\"seed\",status=\"200\"}",
            "heed_request_seconds_bucket{endpoint=\"predict\"",
            "heed_batch_rows_count{model=\"seed\"}",
            "heed_queue_depth{model=\"seed\"}",
            "heed_in_flight{model=\"seed\"}",
            "heed_model_epoch{model=\"seed\"} 2.0",
            "heed_model_reloads{model=\"seed\"} 0.0")) {
      assertTrue(m.body().contains(name), name + " in\n" + m.body());
    }
  }

  @Test
  void theOpenApiDescriptionCoversEveryRoute() throws IOException {
    Http.Reply r = Http.get(port, "/openapi.json");
    assertEquals(200, r.status());
    JsonNode doc = json(r);
    assertTrue(doc.get("openapi").asText().startsWith("3."));
    List<String> paths = new ArrayList<>();
    doc.get("paths").fieldNames().forEachRemaining(paths::add);
    assertEquals(
        List.of(
            "/v1/models",
            "/v1/models/{name}",
            "/v1/models/{name}/predict",
            "/v1/models/{name}/generate",
            "/health/live",
            "/health/ready",
            "/metrics",
            "/openapi.json"),
        paths);
    // the unknown-route answer lists the same routes
    String listed = json(Http.get(port, "/nope")).get("error").get("expected").asText();
    for (String p : paths) {
      assertTrue(listed.contains(p), p + " in " + listed);
    }
  }
}

package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.Predictor;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.train.MetricsJsonl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's JSON and files over HTTP, without a browser. */
class DashboardApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path runs;

  private static HeedServer server;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Runs.seed(runs.resolve("seed"), 2);
    Runs.train(
        Path.of("../examples/feature-attention.yaml"),
        List.of(
            "data.examples=200",
            "training.epochs=1",
            "training.stop.patience=0",
            "training.stop.target_loss=null",
            "backend=cpu"),
        runs.resolve("attention"));
    // a run that has written its config and nothing else yet
    Files.createDirectories(runs.resolve("starting"));
    Files.copy(runs.resolve("seed/config.yaml"), runs.resolve("starting/config.yaml"));
    Files.createDirectories(runs.resolve("not-a-run"));
    // a run trained before metrics.jsonl existed: its metrics.csv only
    Runs.seed(runs.resolve("old"), 3);
    Files.delete(runs.resolve("old").resolve(MetricsJsonl.FILE));
    server = HeedServer.start(Map.of(), ServeOptions.defaults().withPort(0), runs);
    port = server.port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static JsonNode ok(Http.Reply r) throws Exception {
    assertEquals(200, r.status(), r.body());
    return JSON.readTree(r.body());
  }

  private static JsonNode refused(Http.Reply r, int status) throws Exception {
    assertEquals(status, r.status(), r.body());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    return JSON.readTree(r.body()).get("error");
  }

  @Test
  void listsTheRunsOfTheDirectoryWithTheirConfigs() throws Exception {
    JsonNode j = ok(Http.get(port, "/v1/runs"));
    assertEquals(runs.toString(), j.get("runs_dir").asText());
    List<String> names = j.get("runs").valueStream().map(r -> r.get("name").asText()).toList();
    assertEquals(List.of("attention", "old", "seed", "starting"), names);
    JsonNode seed = j.get("runs").get(2);
    assertEquals("seed-regression", seed.at("/config/data/type").asText());
    assertEquals(2, seed.at("/checkpoint/epoch").asInt());
    assertEquals(false, seed.get("training").asBoolean());
    assertTrue(j.get("runs").get(3).get("checkpoint").isNull());
  }

  @Test
  void followsTheMetricsFromAnOffset() throws Exception {
    JsonNode all = ok(Http.get(port, "/v1/runs/seed/metrics?from=0"));
    MetricsJsonl.Chunk c = MetricsJsonl.read(runs.resolve("seed"), 0);
    assertEquals(c.records().size(), all.get("records").size());
    assertEquals(18, all.get("records").size()); // 2 epochs of 8 steps, and 2 epoch records
    assertEquals(c.next(), all.get("next").asLong());
    assertEquals(c.file(), all.get("file").asText());
    JsonNode rest = ok(Http.get(port, "/v1/runs/seed/metrics?from=" + all.get("next").asLong()));
    assertEquals(0, rest.get("records").size());
    // a line being written is not a record yet
    Path file = runs.resolve("attention").resolve(MetricsJsonl.FILE);
    long size = Files.size(file);
    JsonNode before = ok(Http.get(port, "/v1/runs/attention/metrics?from=0"));
    assertEquals(size, before.get("next").asLong());
    assertEquals(0, ok(Http.get(port, "/v1/runs/starting/metrics?from=0")).get("records").size());
    // a run with metrics.csv only: its epochs, at the steps of 8 steps per epoch
    JsonNode old = ok(Http.get(port, "/v1/runs/old/metrics?from=0"));
    assertEquals(3, old.get("records").size());
    JsonNode third = old.get("records").get(2);
    assertEquals("epoch", third.get("kind").asText());
    assertEquals(24, third.get("step").asInt());
    assertEquals(3, third.get("epoch").asInt());
    assertTrue(third.at("/metrics/val_mae").isNumber(), third.toString());
    JsonNode later = ok(Http.get(port, "/v1/runs/old/metrics?from=" + old.get("next").asLong()));
    assertEquals(0, later.get("records").size());
    assertEquals(old.get("file"), later.get("file"));
    JsonNode past = ok(Http.get(port, "/v1/runs/old/metrics?from=9"));
    assertTrue(!past.get("file").equals(old.get("file")), "a rewritten file is another file");
    JsonNode e = refused(Http.get(port, "/v1/runs/seed/metrics?from=x"), 400);
    assertEquals("from", e.get("field").asText());
  }

  @Test
  void summaryPredictionsAndAttention() throws Exception {
    JsonNode s = ok(Http.get(port, "/v1/runs/seed/summary"));
    assertEquals(165, s.get("parameters").asLong());
    assertEquals(3, s.get("layers").size());
    assertEquals("[1,5]", s.get("layers").get(2).get("output").toString());

    List<double[]> rows = Runs.rows(3, 10, 11);
    JsonNode p = ok(Http.post(port, "/v1/runs/seed/predict", Runs.body(rows)));
    assertEquals(2, p.get("epoch").asInt());
    double[][] got = JSON.treeToValue(p.get("predictions"), double[][].class);
    try (Predictor direct = Predictor.open(runs.resolve("seed"), null)) {
      List<double[]> expected = direct.predict(rows);
      for (int i = 0; i < rows.size(); i++) {
        assertArrayEquals(expected.get(i), got[i]);
      }
    }
    JsonNode m = ok(Http.get(port, "/v1/runs/seed"));
    assertEquals(10, m.at("/model/inputs").size());
    assertEquals(5, m.at("/model/outputs").size());

    JsonNode a = ok(Http.post(port, "/v1/runs/attention/attention", Runs.body(rows)));
    assertEquals(3, a.get("weights").size());
    assertEquals(10, a.get("positions").size());
    double sum = 0;
    for (JsonNode w : a.get("weights").get(0)) {
      sum += w.asDouble();
    }
    assertEquals(1.0, sum, 1e-5);
  }

  @Test
  void refusalsNameWhatWasWrong() throws Exception {
    JsonNode e = refused(Http.get(port, "/v1/runs/nope/metrics"), 404);
    assertTrue(
        e.get("message").asText().contains("one of attention, old, seed, starting"), e.toString());
    e = refused(Http.get(port, "/v1/runs/not-a-run"), 404);
    assertEquals("run", e.get("field").asText());
    e = refused(Http.post(port, "/v1/runs/seed/attention", Runs.body(Runs.rows(1, 10, 1))), 409);
    assertTrue(e.get("message").asText().contains("no attention layer"), e.toString());
    e = refused(Http.post(port, "/v1/runs/seed/predict", "{\"rows\": [[1, 2]]}"), 400);
    assertEquals("rows[0]", e.get("field").asText());
    e = refused(Http.post(port, "/v1/runs/starting/predict", Runs.body(Runs.rows(1, 10, 1))), 409);
    assertTrue(e.get("message").asText().contains("no committed checkpoint yet"), e.toString());
    e = refused(Http.get(port, "/ui/secret.txt"), 404);
    assertTrue(e.get("message").asText().contains("index.html"), e.toString());
    e = refused(Http.get(port, "/v1/nothing"), 404);
    assertTrue(e.get("message").asText().contains("GET /v1/runs"), e.toString());
    ConfigException c =
        assertThrows(
            ConfigException.class,
            () ->
                HeedServer.start(Map.of(), ServeOptions.defaults().withPort(0), runs.resolve("x")));
    assertTrue(c.getMessage().contains("no such directory"), c.getMessage());
  }

  @Test
  void theCommandsSayWhenTheRunsDirectoryIsMissing() {
    for (String[] args :
        List.of(
            new String[] {"--ui", runs.resolve("x").toString(), "--port", "0"},
            new String[] {"ui", runs.resolve("x").toString(), "--port", "0"})) {
      java.io.StringWriter err = new java.io.StringWriter();
      int status =
          ServeCommand.run(
              new java.io.PrintWriter(new java.io.StringWriter()),
              new java.io.PrintWriter(err),
              args);
      assertEquals(2, status, err.toString());
      assertTrue(err.toString().contains("x: no such directory"), err.toString());
      assertTrue(!err.toString().contains("\tat "), "no stack trace");
    }
  }

  @Test
  void theOpenApiDescriptionAddsTheDashboardsRoutes() throws Exception {
    JsonNode doc = ok(Http.get(port, "/openapi.json"));
    List<String> paths = new java.util.ArrayList<>();
    doc.get("paths").fieldNames().forEachRemaining(paths::add);
    assertEquals(
        List.of(
            "/v1/runs",
            "/v1/runs/{run}",
            "/v1/runs/{run}/metrics",
            "/v1/runs/{run}/summary",
            "/v1/runs/{run}/predict",
            "/v1/runs/{run}/attention"),
        paths.subList(8, paths.size()));
    assertEquals("/v1/models", paths.getFirst());
    String listed = refused(Http.get(port, "/nope"), 404).get("expected").asText();
    for (String p : paths) {
      assertTrue(listed.contains(p), p + " in " + listed);
    }
  }

  @Test
  void servesThePageAndTheChartingLibraryFromItsWebJar() throws Exception {
    Http.Reply page = Http.get(port, "/ui/index.html");
    assertEquals(200, page.status());
    assertTrue(page.contentType().startsWith("text/html"));
    assertTrue(page.body().contains("<script src=\"/ui/lib/echarts.min.js\">"));
    assertTrue(!page.body().contains("https://"), "no CDN: every script comes from this server");
    Http.Reply lib = Http.get(port, "/ui/lib/echarts.min.js");
    assertEquals(200, lib.status());
    assertTrue(lib.contentType().startsWith("text/javascript"));
    assertTrue(lib.body().length() > 500_000, "the whole of echarts.min.js");
    assertTrue(lib.body().contains("5.3.1"), "ECharts 5.3.1");
    assertEquals(200, Http.get(port, "/ui/dashboard.js").status());
    assertEquals(200, Http.get(port, "/").status()); // after the redirect to /ui/index.html
  }
}

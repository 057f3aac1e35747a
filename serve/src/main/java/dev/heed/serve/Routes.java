package dev.heed.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.assembly.Predictor;
import dev.heed.assembly.api.ConfigException;
import io.helidon.http.HeaderNames;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The routes of {@link HeedServer}: each one timed, counted and answering errors as JSON. */
final class Routes {
  private static final System.Logger LOG = System.getLogger(Routes.class.getName());

  /** The most characters one generate request may ask for. */
  static final int MAX_GENERATE = 2000;

  private final HeedServer server;
  private final byte[] openapi;

  Routes(HeedServer server) {
    this.server = server;
    try (InputStream in = Routes.class.getResourceAsStream("openapi.json")) {
      byte[] doc = in.readAllBytes();
      if (server.dashboard() != null) {
        // the dashboard's routes are described only where they are served
        ObjectNode all = (ObjectNode) HeedServer.JSON.readTree(doc);
        try (InputStream more = Routes.class.getResourceAsStream("openapi-dashboard.json")) {
          ((ObjectNode) all.get("paths"))
              .setAll((ObjectNode) HeedServer.JSON.readTree(more).get("paths"));
        }
        doc = HeedServer.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all);
      }
      this.openapi = doc;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What a route does; returns the status it answered. */
  interface Action {
    int run(ServerRequest req, ServerResponse res);
  }

  /** Runs an action as every route does: timed, counted, refusals answered as JSON. */
  interface Handler {
    void handle(String endpoint, ServerRequest req, ServerResponse res, Action action);
  }

  void register(HttpRouting.Builder r) {
    r.get("/v1/models", (req, res) -> handle("models", req, res, this::models))
        .get("/v1/models/{name}", (req, res) -> handle("model", req, res, this::model))
        .post("/v1/models/{name}/predict", (req, res) -> handle("predict", req, res, this::predict))
        .post(
            "/v1/models/{name}/generate",
            (req, res) -> handle("generate", req, res, this::generate))
        .get("/health/live", (req, res) -> handle("live", req, res, this::live))
        .get("/health/ready", (req, res) -> handle("ready", req, res, this::readiness))
        .get("/metrics", (req, res) -> handle("metrics", req, res, this::metrics))
        .get("/openapi.json", (req, res) -> handle("openapi", req, res, this::openapi));
    if (server.dashboard() != null) {
      new DashboardRoutes(server.dashboard()).register(r, this::handle);
    }
    r.any((req, res) -> handle("unknown", req, res, this::unknown))
        .error(
            Throwable.class,
            (req, res, t) -> {
              LOG.log(System.Logger.Level.ERROR, "request failed", t);
              if (!res.isSent()) {
                HeedServer.sendError(res, internal(t));
              }
            });
  }

  private void handle(String endpoint, ServerRequest req, ServerResponse res, Action action) {
    long start = System.nanoTime();
    String model = "-";
    int status;
    try {
      String name = req.path().pathParameters().first("name").orElse(null);
      if (name != null) {
        server.slot(name);
        model = name;
      }
      status = action.run(req, res);
    } catch (ApiError e) {
      status = e.status();
      if (!res.isSent()) {
        HeedServer.sendError(res, e);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "request failed: " + req.prologue(), e);
      ApiError a = internal(e);
      status = a.status();
      if (!res.isSent()) {
        HeedServer.sendError(res, a);
      }
    }
    server.metrics().request(model, endpoint, status, System.nanoTime() - start);
  }

  private static ApiError internal(Throwable t) {
    return new ApiError(
        500,
        "internal error (" + t.getClass().getSimpleName() + "); the server log has the details",
        null,
        null);
  }

  private int models(ServerRequest req, ServerResponse res) {
    List<Object> all = new ArrayList<>();
    for (ModelSlot s : server.slots()) {
      all.add(server.describe(s));
    }
    HeedServer.send(res, 200, Map.of("models", all));
    return 200;
  }

  private int model(ServerRequest req, ServerResponse res) {
    HeedServer.send(res, 200, server.describe(server.slot(name(req))));
    return 200;
  }

  private static String name(ServerRequest req) {
    return req.path().pathParameters().get("name");
  }

  private int predict(ServerRequest req, ServerResponse res) {
    String name = name(req);
    ModelSlot slot = server.slot(name);
    Predictor p = slot.peek();
    List<double[]> rows =
        Requests.rows(server.body(req), p.inputNames(), server.options().maxRowsPerRequest());
    Batcher.Answer a;
    double[] constant = server.constant();
    if (constant != null) {
      List<double[]> same = new ArrayList<>(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        same.add(constant);
      }
      a = new Batcher.Answer(same, p.checkpoint().epoch(), rows.size());
    } else {
      a = server.batcher(name).predict(rows);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", name);
    body.put("epoch", a.epoch());
    body.put("outputs", p.outputNames());
    body.put("predictions", a.predictions());
    HeedServer.send(res, 200, body);
    return 200;
  }

  /** The checked fields of a generate request. */
  private record Generate(String prompt, int count, double temperature, long seed) {}

  private static Generate generateRequest(byte[] body) {
    String example =
        "{\"prompt\": \"text to go on from\", \"count\": 100, \"temperature\": 1.0,"
            + " \"seed\": 0}";
    JsonNode root = Requests.object(body, example);
    Requests.onlyFields(root, Set.of("prompt", "count", "temperature", "seed"));
    JsonNode prompt = root.get("prompt");
    if (prompt == null || !prompt.isTextual() || prompt.asText().isEmpty()) {
      throw ApiError.badField("prompt", Requests.kind(prompt), "a non-empty string");
    }
    JsonNode count = root.get("count");
    if (count == null
        || !count.isIntegralNumber()
        || count.asLong() < 1
        || count.asLong() > MAX_GENERATE) {
      throw ApiError.badField(
          "count", Requests.kind(count), "an integer 1 … " + MAX_GENERATE + " (characters)");
    }
    JsonNode t = root.get("temperature");
    double temperature = 1;
    if (t != null) {
      if (!t.isNumber() || !(t.asDouble() > 0) || !Double.isFinite(t.asDouble())) {
        throw ApiError.badField("temperature", Requests.kind(t), "a number > 0");
      }
      temperature = t.asDouble();
    }
    JsonNode s = root.get("seed");
    long seed = 0;
    if (s != null) {
      if (!s.isIntegralNumber() || !s.canConvertToLong()) {
        throw ApiError.badField("seed", Requests.kind(s), "an integer");
      }
      seed = s.asLong();
    }
    return new Generate(prompt.asText(), count.asInt(), temperature, seed);
  }

  /**
   * Streams {@code count} characters as Server-Sent Events: one {@code token} event per character
   * (data {@code {"text": "c"}}), then a {@code done} event with the whole text and the epoch.
   * Character {@code i} is drawn with seed {@code seed + i} from the text so far, so a stream is
   * reproducible. The stream keeps the checkpoint it started on.
   */
  private int generate(ServerRequest req, ServerResponse res) {
    String name = name(req);
    ModelSlot slot = server.slot(name);
    Generate g = generateRequest(server.body(req));
    Batcher batcher = server.batcher(name);
    batcher.enter();
    Lease lease = slot.acquire();
    try {
      Predictor p = lease.predictor();
      if (!p.generatesText()) {
        throw new ApiError(
            400,
            name
                + " is a '"
                + p.dataType()
                + "' run; generation needs a character language model (data type text)",
            "name",
            "a model with generates_text true");
      }
      String text = g.prompt();
      String next;
      try {
        next = p.sample(text, 1, g.temperature(), g.seed());
      } catch (ConfigException e) {
        throw new ApiError(
            400, "prompt: " + e.getMessage(), "prompt", "characters of the vocabulary");
      }
      try (SseSink sink = res.sink(SseSink.TYPE)) {
        for (int i = 0; ; i++) {
          String c = next.substring(text.length());
          text = next;
          sink.emit(SseEvent.builder().name("token").data(json(Map.of("text", c))).build());
          if (i + 1 == g.count()) {
            break;
          }
          next = p.sample(text, 1, g.temperature(), g.seed() + i + 1);
        }
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("text", text);
        done.put("epoch", p.checkpoint().epoch());
        sink.emit(SseEvent.builder().name("done").data(json(done)).build());
      }
      return 200;
    } finally {
      lease.release();
      batcher.leave();
    }
  }

  private static String json(Object o) {
    try {
      return HeedServer.JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int live(ServerRequest req, ServerResponse res) {
    HeedServer.send(res, 200, Map.of("status", "UP"));
    return 200;
  }

  private int readiness(ServerRequest req, ServerResponse res) {
    int status = server.ready() ? 200 : 503;
    Map<String, Object> epochs = new LinkedHashMap<>();
    if (server.ready()) {
      for (ModelSlot s : server.slots()) {
        epochs.put(s.name(), s.peek().checkpoint().epoch());
      }
    }
    HeedServer.send(
        res, status, Map.of("status", server.ready() ? "UP" : "DOWN", "models", epochs));
    return status;
  }

  private int metrics(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    res.send(server.metrics().scrape().getBytes(StandardCharsets.UTF_8));
    return 200;
  }

  private int openapi(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(openapi);
    return 200;
  }

  private int unknown(ServerRequest req, ServerResponse res) {
    String routes =
        String.join(
            ", ",
            Arrays.asList(
                "GET /v1/models",
                "GET /v1/models/{name}",
                "POST /v1/models/{name}/predict",
                "POST /v1/models/{name}/generate",
                "GET /health/live",
                "GET /health/ready",
                "GET /metrics",
                "GET /openapi.json"));
    if (server.dashboard() != null) {
      routes += ", " + String.join(", ", DashboardRoutes.ROUTES);
    }
    throw new ApiError(
        404,
        "no route "
            + req.prologue().method().text()
            + " "
            + req.path().path()
            + "; expected one of "
            + routes,
        null,
        routes);
  }
}

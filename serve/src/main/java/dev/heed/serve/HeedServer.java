package dev.heed.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.assembly.Predictor;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The HTTP server of {@code heed serve}: serves the committed checkpoints of run directories under
 * their names, on Helidon SE (each request on a virtual thread). Routes:
 *
 * <ul>
 *   <li>{@code GET /v1/models} and {@code GET /v1/models/{name}}: names, inputs, outputs, the
 *       served checkpoint and the config;
 *   <li>{@code POST /v1/models/{name}/predict} with {@code {"rows": [[…], …]}};
 *   <li>{@code POST /v1/models/{name}/generate}: text from a language model, one character per
 *       Server-Sent Event;
 *   <li>{@code GET /health/live}, {@code GET /health/ready}, {@code GET /metrics} (Prometheus) and
 *       {@code GET /openapi.json}.
 * </ul>
 *
 * <p>Every refusal is a JSON {@code {"error": {…}}} with a 4xx or 5xx status, never a stack trace.
 * {@link #stop()} drains: it turns readiness off, refuses new requests with 503, waits for the
 * accepted ones and then closes the listener and the models.
 */
public final class HeedServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HeedServer.class.getName());
  static final ObjectMapper JSON = new ObjectMapper();

  private final ServeOptions options;
  private final Map<String, ModelSlot> slots;
  private final Map<String, Batcher> batchers = new LinkedHashMap<>();
  private final ServeMetrics metrics = new ServeMetrics();
  private final double[] constant;
  private final Dashboard dashboard;
  private final WebServer server;
  private final Thread reloader;
  private volatile boolean ready;
  private boolean stopped;

  private HeedServer(
      ServeOptions options, Map<String, ModelSlot> slots, double[] constant, Dashboard dashboard) {
    this.options = options;
    this.slots = slots;
    this.constant = constant;
    this.dashboard = dashboard;
    for (ModelSlot s : slots.values()) {
      Batcher b = new Batcher(s, options, metrics);
      batchers.put(s.name(), b);
      metrics.model(
          s.name(), b::queueDepth, b::inFlight, () -> s.peek().checkpoint().epoch(), s::reloads);
    }
    Routes routes = new Routes(this);
    try {
      server =
          WebServer.builder()
              .host(options.host())
              .port(options.port())
              .shutdownHook(false)
              .maxPayloadSize(Math.max(options.maxRequestBytes() * 2L, 1 << 16))
              .routing(routes::register)
              .build()
              .start();
      if (!server.isRunning()) {
        // Helidon logs why it could not start (a taken port, say) and returns a stopped server
        throw new IllegalStateException("the listener did not start (is the port taken?)");
      }
    } catch (RuntimeException e) {
      // the port is taken, say: stop the workers and release the models before saying so
      for (Batcher b : batchers.values()) {
        try {
          b.drain(java.time.Duration.ZERO);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
      }
      slots.values().forEach(ModelSlot::close);
      if (dashboard != null) {
        dashboard.close();
      }
      metrics.close();
      throw new IllegalStateException(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    reloader =
        options.reloadPeriod().isZero()
            ? null
            : Thread.ofVirtual().name("heed-reload").start(this::reloadLoop);
    ready = true;
  }

  /**
   * Opens every run and starts listening.
   *
   * @param runs served name → run directory, in the order they are listed
   * @throws dev.heed.assembly.api.ConfigException when a run cannot be opened (naming it)
   */
  public static HeedServer start(Map<String, Path> runs, ServeOptions options) throws IOException {
    return new HeedServer(options, open(runs, options), null, null);
  }

  /**
   * Opens every run and starts listening, with the web dashboard on the runs of {@code runsDir} at
   * {@code /} (the page) and {@code /v1/runs} (its data).
   *
   * @param runs served name → run directory (may be empty: the dashboard alone)
   * @param runsDir the directory whose runs the dashboard shows
   * @throws dev.heed.assembly.api.ConfigException when a run cannot be opened or {@code runsDir} is
   *     not a directory
   */
  public static HeedServer start(Map<String, Path> runs, ServeOptions options, Path runsDir)
      throws IOException {
    Dashboard.check(runsDir);
    return new HeedServer(
        options, open(runs, options), null, new Dashboard(runsDir, options.backend()));
  }

  /**
   * A server that answers every predict request with {@code answer} and never runs a model: the
   * floor that load measurements compare with (request parsing, batching and JSON still run).
   */
  static HeedServer constant(Map<String, Path> runs, ServeOptions options, double[] answer)
      throws IOException {
    return new HeedServer(options, open(runs, options), answer.clone(), null);
  }

  private static Map<String, ModelSlot> open(Map<String, Path> runs, ServeOptions options)
      throws IOException {
    Map<String, ModelSlot> slots = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Path> e : runs.entrySet()) {
        slots.put(e.getKey(), ModelSlot.open(e.getKey(), e.getValue(), options.backend()));
      }
    } catch (IOException | RuntimeException e) {
      slots.values().forEach(ModelSlot::close);
      throw e;
    }
    return slots;
  }

  /** The port the server listens on (the free one chosen for port 0). */
  public int port() {
    return server.port();
  }

  /** Whether the server takes requests (false while draining and after). */
  public boolean ready() {
    return ready;
  }

  ServeOptions options() {
    return options;
  }

  ServeMetrics metrics() {
    return metrics;
  }

  ModelSlot slot(String name) {
    ModelSlot s = slots.get(name);
    if (s == null) {
      String expected = "one of " + String.join(", ", slots.keySet());
      throw new ApiError(
          404, "no model named '" + name + "'; expected " + expected, "name", expected);
    }
    return s;
  }

  Iterable<ModelSlot> slots() {
    return slots.values();
  }

  Batcher batcher(String name) {
    return batchers.get(name);
  }

  double[] constant() {
    return constant;
  }

  /** The dashboard, or null when it is off. */
  Dashboard dashboard() {
    return dashboard;
  }

  private void reloadLoop() {
    try {
      while (true) {
        Thread.sleep(options.reloadPeriod());
        for (ModelSlot s : slots.values()) {
          s.reloadIfNewer();
        }
      }
    } catch (InterruptedException e) {
      // stopping
    }
  }

  /** Checks every run directory for a newer committed checkpoint now; true if one was swapped. */
  public boolean reloadNow() {
    boolean any = false;
    for (ModelSlot s : slots.values()) {
      any |= s.reloadIfNewer();
    }
    return any;
  }

  /**
   * Drains and stops: refuses new requests (503) and reports not ready, waits up to the drain time
   * for accepted requests to be answered, then closes the listener and the models. Idempotent.
   *
   * @return whether every accepted request was answered
   */
  public synchronized boolean stop() {
    if (stopped) {
      return true;
    }
    stopped = true;
    ready = false;
    boolean drained = true;
    try {
      for (Batcher b : batchers.values()) {
        drained &= b.drain(options.drainTimeout());
      }
      if (options.linger().isPositive()) {
        Thread.sleep(options.linger());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    if (reloader != null) {
      reloader.interrupt();
    }
    server.stop();
    slots.values().forEach(ModelSlot::close);
    if (dashboard != null) {
      dashboard.close();
    }
    metrics.close();
    if (!drained) {
      LOG.log(System.Logger.Level.WARNING, "stopped with requests still unanswered");
    }
    return drained;
  }

  @Override
  public void close() {
    stop();
  }

  /** The JSON description of a served model. */
  Map<String, Object> describe(ModelSlot s) {
    Predictor p = s.peek();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("run", s.runDirectory().toString());
    m.put("data_type", p.dataType());
    m.put("inputs", p.inputNames());
    m.put("outputs", p.outputNames());
    m.put("generates_text", p.generatesText());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("epoch", p.checkpoint().epoch());
    c.put("step", p.checkpoint().step());
    m.put("checkpoint", c);
    m.put("config", Yaml.toJson(p.configYaml()));
    return m;
  }

  /** Reads a request body of at most {@code maxRequestBytes}, else 413. */
  byte[] body(ServerRequest req) {
    int max = options.maxRequestBytes();
    long declared = req.headers().contentLength().orElse(-1);
    if (declared > max) {
      throw new ApiError(
          413,
          "the body has " + declared + " bytes, expected at most " + max,
          null,
          "at most " + max + " bytes");
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes(max + 1);
      if (b.length > max) {
        throw new ApiError(
            413, "the body is over " + max + " bytes", null, "at most " + max + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code body} as JSON with {@code status}. */
  static void send(ServerResponse res, int status, Object body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(bytes);
  }

  /** Sends the JSON error of {@code e}. */
  static void sendError(ServerResponse res, ApiError e) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("status", e.status());
    err.put("message", e.getMessage());
    err.put("field", e.field());
    err.put("expected", e.expected());
    if (e.status() == 429 || e.status() == 503) {
      res.header(HeaderNames.RETRY_AFTER, "1");
    }
    send(res, e.status(), Map.of("error", err));
  }
}

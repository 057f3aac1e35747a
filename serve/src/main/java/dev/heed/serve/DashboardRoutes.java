package dev.heed.serve;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's routes: the page and its scripts under {@code /ui/}, the charting library from
 * its WebJar (Apache ECharts, {@code org.webjars.npm:echarts}) under {@code /ui/lib/}, and the JSON
 * the page reads under {@code /v1/runs}. Nothing is fetched from elsewhere at run time.
 */
final class DashboardRoutes {
  /** The ECharts build in the WebJar: the version the build depends on. */
  static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

  /** The dashboard's own files, in this module's resources. */
  private static final Map<String, String> FILES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "dashboard.js", "text/javascript; charset=utf-8",
          "dashboard.css", "text/css; charset=utf-8");

  /** The routes, for the 404 answer that lists them. */
  static final List<String> ROUTES =
      List.of(
          "GET /",
          "GET /ui/index.html",
          "GET /v1/runs",
          "GET /v1/runs/{run}",
          "GET /v1/runs/{run}/metrics?from=OFFSET",
          "GET /v1/runs/{run}/summary",
          "POST /v1/runs/{run}/predict",
          "POST /v1/runs/{run}/attention");

  private final Dashboard dashboard;

  DashboardRoutes(Dashboard dashboard) {
    this.dashboard = dashboard;
  }

  /** Registers the routes, each through {@code handle} (timing, counting, JSON errors). */
  void register(HttpRouting.Builder r, Routes.Handler handle) {
    r.get(
            "/",
            (req, res) ->
                handle.handle(
                    "ui",
                    req,
                    res,
                    (q, s) -> {
                      s.status(Status.SEE_OTHER_303);
                      s.header(HeaderNames.LOCATION, "/ui/index.html");
                      s.send();
                      return 303;
                    }))
        .get("/ui/lib/echarts.min.js", (req, res) -> handle.handle("ui", req, res, this::echarts))
        .get("/ui/{file}", (req, res) -> handle.handle("ui", req, res, this::file))
        .get("/v1/runs", (req, res) -> handle.handle("runs", req, res, this::runs))
        .get("/v1/runs/{run}", (req, res) -> handle.handle("run", req, res, this::run))
        .get(
            "/v1/runs/{run}/metrics",
            (req, res) -> handle.handle("run_metrics", req, res, this::metrics))
        .get(
            "/v1/runs/{run}/summary",
            (req, res) -> handle.handle("run_summary", req, res, this::summary))
        .post(
            "/v1/runs/{run}/predict",
            (req, res) -> handle.handle("run_predict", req, res, this::predict))
        .post(
            "/v1/runs/{run}/attention",
            (req, res) -> handle.handle("run_attention", req, res, this::attention));
  }

  private Path dir(ServerRequest req) {
    return dashboard.run(req.path().pathParameters().get("run"));
  }

  private int runs(ServerRequest req, ServerResponse res) {
    HeedServer.send(res, 200, dashboard.list());
    return 200;
  }

  private int run(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("run");
    Path dir = dashboard.run(name);
    Map<String, Object> m = new LinkedHashMap<>(dashboard.describe(name, dir));
    m.put("model", dashboard.model(dir));
    HeedServer.send(res, 200, m);
    return 200;
  }

  private int metrics(ServerRequest req, ServerResponse res) {
    Path dir = dir(req);
    String from = req.query().first("from").orElse("0");
    long offset;
    try {
      offset = Long.parseLong(from);
    } catch (NumberFormatException e) {
      offset = -1;
    }
    if (offset < 0) {
      throw ApiError.badField(
          "from", "'" + from + "'", "a byte offset >= 0 (the next of the last answer, or 0)");
    }
    HeedServer.send(res, 200, dashboard.metrics(dir, offset));
    return 200;
  }

  private int summary(ServerRequest req, ServerResponse res) {
    HeedServer.send(res, 200, dashboard.summary(dir(req)));
    return 200;
  }

  private int predict(ServerRequest req, ServerResponse res) {
    Path dir = dir(req);
    HeedServer.send(res, 200, dashboard.predict(dir, body(req)));
    return 200;
  }

  private int attention(ServerRequest req, ServerResponse res) {
    Path dir = dir(req);
    HeedServer.send(res, 200, dashboard.attention(dir, body(req)));
    return 200;
  }

  private static byte[] body(ServerRequest req) {
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes(1 << 20);
      if (in.read() >= 0) {
        throw new ApiError(413, "the body is over 1 MiB", null, "at most 1 MiB");
      }
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int file(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("file");
    String type = FILES.get(name);
    if (type == null) {
      throw new ApiError(
          404,
          "no dashboard file '" + name + "'; expected one of " + String.join(", ", FILES.keySet()),
          "file",
          String.join(", ", FILES.keySet()));
    }
    return send(res, type, DashboardRoutes.class.getResourceAsStream("ui/" + name), name);
  }

  private int echarts(ServerRequest req, ServerResponse res) {
    // a WebJar's files are outside any package, so its module (or class path entry) shows them
    // to every class loader that has it
    ClassLoader loader = DashboardRoutes.class.getClassLoader();
    return send(
        res, "text/javascript; charset=utf-8", loader.getResourceAsStream(ECHARTS), ECHARTS);
  }

  private static int send(ServerResponse res, String type, InputStream in, String what) {
    if (in == null) {
      throw new ApiError(
          500,
          what
              + " is missing from this installation (the heed-serve jar and"
              + " org.webjars.npm:echarts must be on the path)",
          null,
          null);
    }
    try (in) {
      byte[] b = in.readAllBytes();
      res.status(200);
      res.header(HeaderNames.CONTENT_TYPE, type);
      res.header(HeaderNames.CACHE_CONTROL, "no-cache");
      res.send(b);
      return 200;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

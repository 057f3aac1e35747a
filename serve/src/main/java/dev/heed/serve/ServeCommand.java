package dev.heed.serve;

import dev.heed.assembly.api.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code heed serve [NAME=]RUN… [--port P]}: serves run directories until the process is stopped
 * (SIGTERM or Ctrl-C drain the accepted requests first). Exit statuses as {@code heed}'s: 0, 2 for
 * bad input or usage, 1 for any other failure.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    subcommands = {LoadBench.class, UiCommand.class},
    description = {
      "Serve trained runs over HTTP until stopped: GET /v1/models, POST /v1/models/NAME/predict"
          + " ({\"rows\": [[...], ...]}), POST /v1/models/NAME/generate (text as Server-Sent"
          + " Events), /health/live, /health/ready, /metrics (Prometheus), /openapi.json.",
      "A newly committed checkpoint in a served run is swapped in while serving. SIGTERM or"
          + " Ctrl-C finish the accepted requests, then stop.",
      "With --ui RUNS_DIR the server also shows a web dashboard of the runs in RUNS_DIR at /"
          + " (heed ui RUNS_DIR shows the dashboard alone).",
      "heed serve bench RUN measures the server under load (heed serve bench --help)."
    })
final class ServeCommand implements Callable<Integer> {
  private final PrintWriter out;
  private final PrintWriter err;
  private final CountDownLatch stopped;

  @Parameters(
      arity = "0..*",
      paramLabel = "RUN",
      description = "A run directory (heed train), served under its directory name, or NAME=DIR.")
  List<String> runs;

  @Option(names = "--port", description = "The port; 0 takes a free one (default: 8080).")
  int port = 8080;

  @Option(
      names = "--ui",
      paramLabel = "RUNS_DIR",
      description =
          "Also serve the web dashboard at / for the runs in RUNS_DIR: configs, live loss and"
              + " metric curves, two runs compared, attention heatmaps, a predict form.")
  Path ui;

  @Option(names = "--host", description = "The address to bind (default: 127.0.0.1, loopback).")
  String host = "127.0.0.1";

  @Option(
      names = {"-b", "--backend"},
      paramLabel = "BACKEND",
      description = "Use this backend instead of each run's.")
  String backend;

  @Option(names = "--no-batching", description = "Run every request alone, without batching.")
  boolean noBatching;

  @Option(names = "--max-batch", paramLabel = "ROWS", description = "Rows per batch (default: 64).")
  int maxBatch = 64;

  @Option(
      names = "--max-wait-us",
      paramLabel = "MICROS",
      description = "How long a batch waits for more requests (default: 1000).")
  long maxWaitMicros = 1000;

  @Option(names = "--workers", description = "Batch threads per model (default: up to 4).")
  Integer workers;

  @Option(
      names = "--queue",
      paramLabel = "N",
      description = "Requests waiting per model before 429 (default: 256).")
  int queue = 256;

  @Option(names = "--max-rows", paramLabel = "N", description = "Rows per request (default: 1024).")
  int maxRows = 1024;

  @Option(
      names = "--max-request-bytes",
      paramLabel = "N",
      description = "Largest request body (default: 1048576).")
  int maxBytes = 1 << 20;

  @Option(
      names = "--timeout-ms",
      paramLabel = "MS",
      description = "Answer 503 after waiting this long (default: 10000).")
  long timeoutMillis = 10_000;

  @Option(
      names = "--reload-ms",
      paramLabel = "MS",
      description = "Look for new checkpoints this often; 0: never (default: 1000).")
  long reloadMillis = 1000;

  @Option(
      names = "--drain-ms",
      paramLabel = "MS",
      description = "On stop, wait this long for accepted requests (default: 10000).")
  long drainMillis = 10_000;

  @Option(
      names = "--linger-ms",
      paramLabel = "MS",
      description =
          "On stop, after the drain, keep answering 503 this long before closing the port"
              + " (default: 0).")
  long lingerMillis;

  ServeCommand(PrintWriter out, PrintWriter err, CountDownLatch stopped) {
    this.out = out;
    this.err = err;
    this.stopped = stopped;
  }

  /** Runs {@code heed serve} with {@code args}; returns when the server stopped. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new ServeCommand(out, err, new CountDownLatch(1)));
    cl.setCommandName("heed serve");
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      err.println("heed serve: error: " + e.getMessage());
      return 1;
    });
    return cl.execute(args);
  }

  ServeOptions options() {
    ServeOptions d = ServeOptions.defaults();
    return new ServeOptions(
        host,
        port,
        !noBatching,
        maxBatch,
        Duration.ofNanos(maxWaitMicros * 1000),
        workers != null ? workers : d.workers(),
        queue,
        maxBytes,
        maxRows,
        Duration.ofMillis(timeoutMillis),
        Duration.ofMillis(reloadMillis),
        Duration.ofMillis(drainMillis),
        Duration.ofMillis(lingerMillis),
        backend);
  }

  /** {@code NAME=DIR} or {@code DIR} pairs, by name; a name given twice is an error. */
  static Map<String, Path> runs(List<String> args) {
    Map<String, Path> runs = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      Path dir = Path.of(eq > 0 ? a.substring(eq + 1) : a);
      String name =
          eq > 0
              ? a.substring(0, eq)
              : dir.toAbsolutePath().normalize().getFileName() == null
                  ? "model"
                  : dir.toAbsolutePath().normalize().getFileName().toString();
      if (!name.matches("[A-Za-z0-9._-]+")) {
        throw new ConfigException(
            a
                + ": the model name '"
                + name
                + "' has other characters than letters, digits, . _ -;"
                + " name it with NAME="
                + dir);
      }
      if (!Files.isDirectory(dir)) {
        throw new ConfigException(dir + ": no such directory; expected a run directory");
      }
      Path before = runs.put(name, dir);
      if (before != null) {
        throw new ConfigException(
            "two runs named '"
                + name
                + "': "
                + before
                + " and "
                + dir
                + "; give one another name with NAME="
                + dir);
      }
    }
    return runs;
  }

  PrintWriter out() {
    return out;
  }

  PrintWriter err() {
    return err;
  }

  CountDownLatch stopped() {
    return stopped;
  }

  @Override
  public Integer call() throws InterruptedException {
    if ((runs == null || runs.isEmpty()) && ui == null) {
      err.println(
          "heed serve: error: missing RUN: expected one or more run directories, or --ui"
              + " RUNS_DIR for the dashboard (heed serve --help)");
      return 2;
    }
    HeedServer server;
    try {
      ServeOptions options = options();
      Map<String, Path> served = runs(runs == null ? List.of() : runs);
      server =
          ui == null ? HeedServer.start(served, options) : HeedServer.start(served, options, ui);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("heed serve: error: " + e.getMessage());
      return 2;
    } catch (IOException | IllegalStateException e) {
      err.println("heed serve: error: " + e.getMessage());
      return 1;
    }
    return serveUntilStopped("heed serve", server, host, ui, out, stopped);
  }

  /**
   * Says where {@code server} listens and waits until a shutdown hook (SIGTERM, Ctrl-C) has drained
   * and stopped it.
   */
  static int serveUntilStopped(
      String who, HeedServer server, String host, Path ui, PrintWriter out, CountDownLatch stopped)
      throws InterruptedException {
    Thread hook =
        new Thread(
            () -> {
              boolean drained = server.stop();
              out.println(
                  drained
                      ? who + ": stopped; every accepted request was answered"
                      : who + ": stopped; some requests were still unanswered");
              out.flush();
              stopped.countDown();
            },
            "heed-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    StringBuilder models = new StringBuilder();
    for (ModelSlot s : server.slots()) {
      models
          .append(models.isEmpty() ? "" : ", ")
          .append(s.name())
          .append(" (epoch ")
          .append(s.peek().checkpoint().epoch())
          .append(')');
    }
    out.println(
        who
            + ": listening on http://"
            + host
            + ":"
            + server.port()
            + "/"
            + (models.isEmpty() ? "" : " serving " + models)
            + (ui == null ? "" : (models.isEmpty() ? " with" : ";") + " the dashboard of " + ui));
    out.flush();
    stopped.await();
    return 0;
  }
}

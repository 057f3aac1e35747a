package dev.heed.serve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code heed serve bench RUN}: a bounded load generator in this JVM. For each server variant (the
 * model with batching, the model without, and the same server answering a constant without running
 * any model) and each concurrency, it starts the server on a free loopback port, lets that many
 * virtual-thread clients post one-row predict requests back to back over keep-alive connections for
 * a warm-up and then for the measured time, and prints throughput and latency percentiles
 * (client-side, from sending the request to reading the whole answer).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the server on loopback: requests/s and p50/p99/p99.9 latency of one-row predict"
          + " requests at each concurrency, with batching on and off, against the same server"
          + " answering a constant. Client and server share this JVM and its cores."
    })
final class LoadBench implements Callable<Integer> {
  @ParentCommand ServeCommand parent;

  @Parameters(index = "0", paramLabel = "RUN", description = "A run directory to serve.")
  Path run;

  @Option(
      names = "--concurrency",
      split = ",",
      description = "Concurrent clients, one measurement each (default: 1,16,64).")
  int[] concurrency = {1, 16, 64};

  @Option(names = "--seconds", description = "Measured seconds per point (default: 3).")
  double seconds = 3;

  @Option(names = "--warmup", description = "Warm-up seconds per point (default: 1).")
  double warmup = 1;

  @Option(
      names = "--token-ids",
      paramLabel = "V",
      description =
          "Send random token ids 1 … V-1 instead of numbers in [-1, 1): for sequence models.")
  int tokenIds;

  @Option(
      names = "--max-requests",
      description = "Stop a point after this many requests in all (default: 2000000).")
  int maxRequests = 2_000_000;

  /** The first refusal, to show when a point had errors. */
  private static volatile String firstError;

  /** One client's measured latencies, in nanoseconds. */
  private static final class Samples {
    long[] nanos = new long[1024];
    int count;
    int errors;

    void add(long n) {
      if (count == nanos.length) {
        nanos = Arrays.copyOf(nanos, count * 2);
      }
      nanos[count++] = n;
    }
  }

  @Override
  public Integer call() throws Exception {
    // more kept-alive connections than clients, so every client keeps its own
    System.setProperty("http.maxConnections", "512");
    PrintWriter out = parent.out();
    out.printf(
        Locale.ROOT,
        "%-16s %6s %12s %10s %10s %10s %8s%n",
        "server",
        "conc",
        "requests/s",
        "p50 us",
        "p99 us",
        "p99.9 us",
        "errors");
    String[] variants = {"batching", "no-batching", "constant"};
    boolean warmed = false;
    for (String variant : variants) {
      ServeOptions o =
          ServeOptions.defaults()
              .withPort(0)
              .withBatching(!variant.equals("no-batching"), 64, Duration.ofNanos(200_000))
              .withLimits(
                  ServeOptions.defaults().workers(), 4096, 1 << 20, 1024, Duration.ofSeconds(30))
              .withReload(Duration.ZERO, Duration.ofSeconds(10));
      Map<String, Path> runs = Map.of("m", run);
      try (HeedServer s =
          variant.equals("constant")
              ? HeedServer.constant(runs, o, new double[outputs(runs)])
              : HeedServer.start(runs, o)) {
        int width = s.slot("m").peek().inputNames().size();
        if (!warmed) {
          // the JVM's first minutes of compilation would otherwise count against the first variant
          measure(s.port(), width, 16, warmup * 5, Integer.MAX_VALUE, tokenIds);
          warmed = true;
        }
        for (int c : concurrency) {
          measure(s.port(), width, c, warmup, Integer.MAX_VALUE, tokenIds);
          Samples[] all = measure(s.port(), width, c, seconds, maxRequests / c, tokenIds);
          report(out, variant, c, all);
        }
      }
    }
    out.flush();
    return 0;
  }

  private static int outputs(Map<String, Path> runs) throws IOException {
    try (var p = dev.heed.assembly.Predictor.open(runs.values().iterator().next(), null)) {
      return p.outputNames().size();
    }
  }

  private static Samples[] measure(
      int port, int width, int clients, double secs, int limit, int tokens) throws Exception {
    URL url = URI.create("http://127.0.0.1:" + port + "/v1/models/m/predict").toURL();
    long end = System.nanoTime() + (long) (secs * 1e9);
    List<Future<Samples>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        long seed = c;
        futures.add(
            pool.submit(() -> {
              Samples s = new Samples();
              SplittableRandom r = new SplittableRandom(seed);
              while (System.nanoTime() < end && s.count + s.errors < limit) {
                StringBuilder b = new StringBuilder("{\"rows\": [[");
                for (int k = 0; k < width; k++) {
                  b.append(k == 0 ? "" : ",");
                  if (tokens > 1) {
                    b.append(1 + r.nextInt(tokens - 1));
                  } else {
                    b.append(r.nextDouble(-1, 1));
                  }
                }
                byte[] body = b.append("]]}").toString().getBytes(StandardCharsets.UTF_8);
                long t0 = System.nanoTime();
                if (post(url, body)) {
                  s.add(System.nanoTime() - t0);
                } else {
                  s.errors++;
                }
              }
              return s;
            }));
      }
      Samples[] all = new Samples[clients];
      for (int c = 0; c < clients; c++) {
        all[c] = futures.get(c).get();
      }
      return all;
    }
  }

  private static boolean post(URL url, byte[] body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/json");
    c.setFixedLengthStreamingMode(body.length);
    try (OutputStream o = c.getOutputStream()) {
      o.write(body);
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    if (in != null) {
      try (in) {
        in.transferTo(answer);
      }
    }
    if (status != 200 && firstError == null) {
      firstError = status + " " + answer.toString(StandardCharsets.UTF_8);
    }
    return status == 200;
  }

  private static void report(PrintWriter out, String variant, int clients, Samples[] all) {
    int n = 0;
    int errors = 0;
    long busy = 0;
    for (Samples s : all) {
      n += s.count;
      errors += s.errors;
    }
    long[] lat = new long[n];
    int at = 0;
    for (Samples s : all) {
      System.arraycopy(s.nanos, 0, lat, at, s.count);
      at += s.count;
      long sum = 0;
      for (int i = 0; i < s.count; i++) {
        sum += s.nanos[i];
      }
      busy = Math.max(busy, sum);
    }
    Arrays.sort(lat);
    // throughput over the longest time any client spent in requests (each client is always busy)
    double rate = busy == 0 ? 0 : n / (busy / 1e9);
    out.printf(
        Locale.ROOT,
        "%-16s %6d %12.0f %10.1f %10.1f %10.1f %8d%n",
        variant,
        clients,
        rate,
        pct(lat, 0.50),
        pct(lat, 0.99),
        pct(lat, 0.999),
        errors);
    if (errors > 0 && firstError != null) {
      out.println("  first error: " + firstError);
      firstError = null;
    }
    out.flush();
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1000.0;
  }
}

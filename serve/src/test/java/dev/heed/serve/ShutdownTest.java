package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping drains: accepted requests are answered, later ones refused with a status. */
class ShutdownTest {
  @TempDir Path tmp;

  /**
   * Clients that post until they are refused: each request ends in 200, in 503 (draining), or in a
   * refused connection (the port closed); never in a connection dropped without a status.
   */
  private static List<Future<int[]>> load(
      ExecutorService pool,
      int port,
      AtomicBoolean stop,
      ConcurrentLinkedQueue<String> bad,
      AtomicInteger answered) {
    List<Future<int[]>> clients = new ArrayList<>();
    String body = Runs.body(Runs.rows(2, 10, 4));
    for (int c = 0; c < 6; c++) {
      clients.add(
          pool.submit(() -> {
            int[] counts = new int[3];
            while (!stop.get()) {
              try {
                Http.Reply r = Http.postClosing(port, "/v1/models/seed/predict", body);
                if (r.status() == 200) {
                  counts[0]++;
                  answered.incrementAndGet();
                } else if (r.status() == 503 && r.body().contains("shutting down")) {
                  counts[1]++;
                  break;
                } else {
                  bad.add(r.status() + " " + r.body());
                  break;
                }
              } catch (ConnectException e) {
                counts[2]++;
                break;
              } catch (IOException e) {
                bad.add(e.toString());
                break;
              }
            }
            return counts;
          }));
    }
    return clients;
  }

  /** Waits until the clients are well under way. */
  private static void awaitLoad(AtomicInteger answered, AtomicBoolean stop)
      throws InterruptedException {
    long end = System.nanoTime() + 20_000_000_000L;
    while (answered.get() < 30) {
      if (System.nanoTime() > end) {
        stop.set(true);
        fail("the load did not start");
      }
      Thread.sleep(5);
    }
  }

  /** The first line the process wrote to {@code file}, once it is there. */
  private static String firstLine(Path file, Process p) throws Exception {
    long end = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < end) {
      String text = Files.readString(file);
      int nl = text.indexOf('\n');
      if (nl >= 0) {
        return text.substring(0, nl);
      }
      if (!p.isAlive()) {
        fail("the server exited with " + p.exitValue() + ": " + text);
      }
      Thread.sleep(10);
    }
    return fail("the server printed nothing");
  }

  @Test
  void stopDrainsInProcess() throws Exception {
    Path run = Runs.seed(tmp.resolve("seed"), 1);
    HeedServer s =
        HeedServer.start(
            Map.of("seed", run),
            ServeOptions.defaults()
                .withPort(0)
                .withReload(Duration.ZERO, Duration.ofSeconds(5))
                .withLinger(Duration.ofMillis(300)));
    ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    int ok = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      AtomicInteger answered = new AtomicInteger();
      List<Future<int[]>> clients = load(pool, s.port(), stop, bad, answered);
      awaitLoad(answered, stop);
      boolean drained = s.stop();
      stop.set(true);
      assertTrue(drained, "every accepted request was answered");
      assertTrue(!s.ready());
      for (Future<int[]> f : clients) {
        ok += f.get(10, TimeUnit.SECONDS)[0];
      }
    }
    assertTrue(bad.isEmpty(), bad.toString());
    assertTrue(ok > 0);
  }

  @Test
  void sigtermDrainsAndStops() throws Exception {
    Path run = Runs.seed(tmp.resolve("seed"), 1);
    String modulePath = System.getProperty("jdk.module.path");
    assertNotNull(modulePath, "the tests run on the module path");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Dguice_bytecode_gen_option=DISABLED",
                "--module-path",
                modulePath,
                "--add-modules",
                "ALL-MODULE-PATH",
                "--class-path",
                System.getProperty("java.class.path"),
                "-m",
                "dev.heed.serve/dev.heed.serve.ServeMain",
                "seed=" + run,
                "--port",
                "0",
                "--reload-ms",
                "0",
                "--linger-ms",
                "300",
                "--backend",
                "cpu")
            .redirectError(tmp.resolve("stderr.txt").toFile())
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .start();
    try {
      String first = firstLine(tmp.resolve("stdout.txt"), p);
      Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/").matcher(first);
      assertTrue(m.find(), first);
      int port = Integer.parseInt(m.group(1));
      ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      int ok = 0;
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        AtomicInteger answered = new AtomicInteger();
        List<Future<int[]>> clients = load(pool, port, stop, bad, answered);
        awaitLoad(answered, stop);
        p.destroy(); // SIGTERM
        boolean exited = p.waitFor(15, TimeUnit.SECONDS);
        stop.set(true);
        assertTrue(exited, "the server did not stop");
        for (Future<int[]> f : clients) {
          ok += f.get(10, TimeUnit.SECONDS)[0];
        }
      }
      String rest = Files.readString(tmp.resolve("stdout.txt"));
      rest += Files.readString(tmp.resolve("stderr.txt"));
      assertTrue(bad.isEmpty(), bad + "\n" + rest);
      assertTrue(ok > 0, "no request was answered before the stop");
      assertEquals(143, p.exitValue(), "the exit status of SIGTERM\n" + rest);
      assertTrue(
          rest.contains("stopped; every accepted request was answered"), first + "\n" + rest);
    } finally {
      p.destroyForcibly();
    }
  }
}

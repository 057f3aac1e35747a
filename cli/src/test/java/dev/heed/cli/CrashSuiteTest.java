package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.train.Checkpoints;
import dev.heed.assembly.train.RunLock;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash suite (16): {@code heed train} runs as a child process and is killed with SIGKILL
 * ({@link Process#destroyForcibly}) at moments drawn from a seeded random source — right after the
 * start, once {@code config.yaml} exists, while a checkpoint is staged or being committed (the
 * first one included), after some rows of {@code metrics.csv} — found by watching the run
 * directory, not by sleeping, so a slow machine only moves the moments. Every directory left behind
 * must be one of:
 *
 * <ul>
 *   <li>no run: no directory, or one without {@code config.yaml}, which predict and {@code train
 *       --resume} refuse (exit 2) and a new {@code train --out} takes when it is empty;
 *   <li>a run without a committed checkpoint: predict says "no committed checkpoint yet" (exit 2),
 *       {@code train --resume} trains it from the beginning;
 *   <li>a run with a committed checkpoint: predict answers, changing nothing, and {@code train
 *       --resume} finishes it.
 * </ul>
 *
 * A run that is resumed (or trained again) must end with the {@code weights.safetensors} and {@code
 * optimizer.safetensors} of an uninterrupted run, byte for byte, and the same {@code metrics.csv}
 * but for the elapsed times, and predict must then give the uninterrupted run's answers. The
 * backends are cpu and simd at one and at two threads (simd is bit-repeatable for a given thread
 * count). The uninterrupted runs, the resumes and the reads run in this JVM; only the killed
 * trainings are child processes.
 *
 * <p>CI runs {@value #DEFAULT_KILLS} kills per backend. {@code -Dheed.crash.kills=N} sets the
 * number and {@code -Dheed.crash.seed=S} the seed of the moments (see cli/README.md, "The crash
 * suite").
 */
class CrashSuiteTest {
  private static final int DEFAULT_KILLS = 6;
  private static final int KILLS = Integer.getInteger("heed.crash.kills", DEFAULT_KILLS);
  private static final long SEED = Long.getLong("heed.crash.seed", 16);
  private static final int EPOCHS = 4;
  private static final String ROW = "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]\n";

  /** What a killed training left behind. */
  enum Outcome {
    /** No directory, or one without config.yaml. */
    NO_RUN,
    /** config.yaml but no committed checkpoint: resumed from the beginning. */
    UNCOMMITTED,
    /** A committed checkpoint (perhaps with its renames still to finish): resumed from it. */
    COMMITTED,
    /** The training ended before the moment came. */
    FINISHED
  }

  /** Where the kill is aimed. */
  private enum Moment {
    /** A random 0–400 ms after the child starts: usually before the JVM has done anything. */
    START,
    /** Once config.yaml exists. */
    CONFIG,
    /** While the checkpoint of a given epoch is staged (the first one included). */
    STAGED,
    /** Once the COMMIT marker of a given epoch's checkpoint exists. */
    COMMITTING,
    /**
     * Once metrics.csv has a given number of rows: between two checkpoints, or after the last one
     * while the pictures are drawn.
     */
    ROWS
  }

  /** Trains the config {@code backend} names, 10 → 8 tanh → 5 with Adam, into {@code dir}. */
  private static Path config(Path dir, String backend) throws IOException {
    return Files.writeString(
        dir.resolve("crash.yaml"),
        """
        seed: 7
        backend: %s
        data:
          type: seed-regression
          examples: 160
          inputs: 10
          outputs: 5
        model:
          layers:
            - type: dense
              units: 8
              activation: tanh
            - type: dense
              units: 5
        loss: mse
        optimizer:
          name: adam
          lr: 0.01
        training:
          epochs: %d
          batch_size: 16
          validation_split: 0.25
          stop:
            patience: 0
        """
            .formatted(backend, EPOCHS));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cpu", "{name: simd, threads: 1}", "{name: simd, threads: 2}"})
  void everyKilledRunResumesExactlyOrNeverExisted(String backend) throws Exception {
    Path work = Files.createTempDirectory("heed-crash");
    try {
      Path cfg = config(work, backend);
      Path reference = work.resolve("reference");
      Heeds.run("train", cfg.toString(), "--out", reference.toString()).expect(0);
      Reference ref = new Reference(reference);

      Random random = new Random(SEED ^ backend.hashCode());
      Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
      List<String> log = new ArrayList<>();
      for (int k = 0; k < KILLS; k++) {
        Moment m = Moment.values()[random.nextInt(Moment.values().length)];
        int epoch = 1 + random.nextInt(EPOCHS);
        if ((m == Moment.STAGED || m == Moment.COMMITTING) && random.nextBoolean()) {
          epoch = 1; // the first checkpoint is where a run is most fragile: aim there half the time
        }
        long extraMicros = random.nextInt(3) == 0 ? random.nextInt(2000) : 0;
        Path dir = work.resolve("kill-" + k);
        String what =
            "kill "
                + k
                + " of seed "
                + SEED
                + ": "
                + m
                + (m == Moment.START || m == Moment.CONFIG ? "" : " " + epoch);
        Kill kill = killAndCheck(cfg, dir, m, epoch, extraMicros, random, ref, what);
        outcomes.merge(kill.outcome(), 1, Integer::sum);
        log.add(kill.outcome() + " <- " + kill.what().substring(kill.what().indexOf(": ") + 2));
      }
      System.out.println(
          "crash suite, backend "
              + backend
              + ", seed "
              + SEED
              + ", "
              + KILLS
              + " kills: "
              + outcomes
              + "\n  "
              + String.join("\n  ", log));
    } finally {
      deleteTree(work);
    }
  }

  /** The uninterrupted run: what every resumed run must end with. */
  private record Reference(byte[] weights, byte[] optimizer, List<String> metrics, String predict) {
    Reference(Path run) throws IOException {
      this(
          Files.readAllBytes(run.resolve(Checkpoints.WEIGHTS)),
          Files.readAllBytes(run.resolve(Checkpoints.OPTIMIZER)),
          metricsWithoutTime(run),
          Heeds.runWithStdin(ROW, "predict", run.toString(), "-").expect(0).out());
    }

    /** Checks that {@code run} ended as this one did. */
    void check(Path run, String what) throws IOException {
      byte[] w = Files.readAllBytes(run.resolve(Checkpoints.WEIGHTS));
      assertArrayEquals(tensorBytes(weights), tensorBytes(w), what + ": the weights' tensors");
      assertArrayEquals(weights, w, what + ": weights.safetensors");
      assertArrayEquals(
          optimizer,
          Files.readAllBytes(run.resolve(Checkpoints.OPTIMIZER)),
          what + ": optimizer.safetensors");
      assertEquals(metrics, metricsWithoutTime(run), what + ": metrics.csv");
      assertEquals(
          predict,
          Heeds.runWithStdin(ROW, "predict", run.toString(), "-").expect(0).out(),
          what + ": predict");
    }
  }

  /** One kill: what was aimed at and found, and the outcome. */
  private record Kill(Outcome outcome, String what) {}

  private static Kill killAndCheck(
      Path cfg,
      Path dir,
      Moment m,
      int epoch,
      long extraMicros,
      Random random,
      Reference ref,
      String what)
      throws Exception {
    Path err = dir.resolveSibling(dir.getFileName() + ".err");
    boolean killed =
        killAt(
            child(err, "train", cfg.toString(), "--out", dir.toString()),
            dir,
            m,
            epoch,
            extraMicros,
            random,
            err,
            what);
    what += " (" + (killed ? "killed, left " + left(dir) : "finished") + ")";
    int rows = rows(dir);
    if (killed
        && rows < EPOCHS
        && Files.isRegularFile(dir.resolve(RunDirs.CONFIG))
        && random.nextInt(4) == 0) {
      // a quarter of the runs are resumed in a child too and killed again, while catching up
      Moment again = List.of(Moment.STAGED, Moment.COMMITTING, Moment.ROWS).get(random.nextInt(3));
      int at = rows + 1 + random.nextInt(EPOCHS - rows);
      what += "; resumed, " + again + " " + at;
      killed =
          killAt(
              child(err, "train", "--resume", dir.toString()),
              dir,
              again,
              at,
              0,
              random,
              err,
              what);
      what += " (" + (killed ? "killed, left " + left(dir) : "finished") + ")";
    }

    if (!Files.isRegularFile(dir.resolve(RunDirs.CONFIG))) {
      // never existed: readers and --resume refuse it; a new training takes it when it is empty
      Heeds.runWithStdin(ROW, "predict", dir.toString(), "-")
          .expect(Exits.BAD_INPUT)
          .noStackTrace();
      Heeds.run("train", "--resume", dir.toString()).expect(Exits.BAD_INPUT).noStackTrace();
      if (RunDirs.nonEmptyDir(dir)) {
        Heeds.Result t =
            Heeds.run("train", cfg.toString(), "--out", dir.toString())
                .expect(Exits.BAD_INPUT)
                .noStackTrace();
        assertTrue(t.err().contains("holds no run"), what + ": " + t.err());
      } else {
        Heeds.run("train", cfg.toString(), "--out", dir.toString()).expect(0);
        ref.check(dir, what + ", trained again");
      }
      return new Kill(Outcome.NO_RUN, what);
    }

    boolean committed = Checkpoints.committed(dir);
    Map<String, String> before = listing(dir);
    Heeds.Result read = Heeds.runWithStdin(ROW, "predict", dir.toString(), "-").noStackTrace();
    if (committed) {
      read.expect(0);
    } else {
      read.expect(Exits.BAD_INPUT);
      assertTrue(read.err().contains("no committed checkpoint yet"), what + ": " + read.err());
    }
    assertEquals(before, listing(dir), what + ": predict changed the run directory");

    Heeds.run("train", "--resume", dir.toString()).expect(0).noStackTrace();
    ref.check(dir, what + ", resumed");
    return new Kill(
        !killed ? Outcome.FINISHED : committed ? Outcome.COMMITTED : Outcome.UNCOMMITTED, what);
  }

  /**
   * Waits for moment {@code m} in {@code dir} and kills {@code p} with SIGKILL {@code extraMicros}
   * later; false when the training ended first. Either way it must not have failed on its own.
   */
  private static boolean killAt(
      Process p,
      Path dir,
      Moment m,
      int epoch,
      long extraMicros,
      Random random,
      Path err,
      String what)
      throws IOException, InterruptedException {
    boolean killed;
    try {
      killed = waitFor(p, dir, m, epoch, random);
      if (killed && extraMicros > 0) {
        LockSupport.parkNanos(extraMicros * 1000);
      }
    } finally {
      p.destroyForcibly();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the killed training did not end");
    }
    // 137: killed by SIGKILL; 0: it ended just before the kill; anything else is a failure
    int status = p.exitValue();
    if (!killed || status != 137) {
      assertEquals(0, status, () -> what + ": the training failed:\n" + read(err));
    }
    return killed;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return file + ": " + e;
    }
  }

  /** {@code heed ARGS} in a child JVM with this test's module and class path. */
  private static Process child(Path err, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("--add-modules=jdk.incubator.vector");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(
        Stream.of(System.getProperty("jdk.module.path"), System.getProperty("java.class.path"))
            .filter(s -> s != null && !s.isBlank())
            .collect(Collectors.joining(File.pathSeparator)));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /**
   * Waits for moment {@code m} (of {@code epoch}) in {@code dir}; false when the training ended
   * first. A staged or committing checkpoint that comes and goes between two looks is caught late:
   * the kill then falls just after it, which is a moment too.
   */
  private static boolean waitFor(Process p, Path dir, Moment m, int epoch, Random random) {
    Path staging = dir.resolve(Checkpoints.STAGING);
    Predicate<Integer> done =
        switch (m) {
          case START -> {
            long until = System.nanoTime() + random.nextInt(400) * 1_000_000L;
            yield rows -> System.nanoTime() >= until;
          }
          case CONFIG -> rows -> Files.exists(dir.resolve(RunDirs.CONFIG));
          case STAGED -> rows -> rows >= epoch || (rows == epoch - 1 && Files.exists(staging));
          case COMMITTING ->
              rows ->
                  rows >= epoch || (rows == epoch - 1 && Files.exists(staging.resolve("COMMIT")));
          case ROWS -> rows -> rows >= epoch;
        };
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (p.isAlive()) {
      if (done.test(rows(dir))) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(dir + ": the moment " + m + " never came");
      }
      LockSupport.parkNanos(50_000);
    }
    return false;
  }

  /** What a killed training left: the files of the run directory and of its staging directory. */
  private static String left(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return "no directory";
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(f -> f.getFileName().toString()).sorted().forEach(names::add);
    }
    Path staging = dir.resolve(Checkpoints.STAGING);
    if (Files.isDirectory(staging)) {
      try (Stream<Path> s = Files.list(staging)) {
        names.set(
            names.indexOf(Checkpoints.STAGING),
            Checkpoints.STAGING + s.map(f -> f.getFileName().toString()).sorted().toList());
      }
    }
    return names + ", " + rows(dir) + " metrics rows";
  }

  /** The rows of the committed metrics.csv (0 when there is none). */
  private static int rows(Path dir) {
    try {
      return Math.max(0, Files.readAllLines(dir.resolve("metrics.csv")).size() - 1);
    } catch (IOException e) {
      return 0; // absent, or renamed over while read: the previous count is a lower bound anyway
    }
  }

  /** metrics.csv without the elapsed_ms column, the one that may differ between equal runs. */
  private static List<String> metricsWithoutTime(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.csv")).stream()
        .map(l -> l.substring(0, l.lastIndexOf(',')))
        .toList();
  }

  /** The data section of a safetensors file: what follows its 8-byte length and JSON header. */
  private static byte[] tensorBytes(byte[] file) {
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return Arrays.copyOfRange(file, (int) (8 + n), file.length);
  }

  /** Name, size and modification time of every entry of dir and its staging directory. */
  private static Map<String, String> listing(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (Path d : List.of(dir, dir.resolve(Checkpoints.STAGING))) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> s = Files.list(d)) {
        for (Path f : s.toList()) {
          if (f.getFileName().toString().equals(RunLock.FILE)) {
            continue;
          }
          try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            m.put(dir.relativize(f).toString(), a.size() + "," + a.lastModifiedTime());
          } catch (NoSuchFileException e) {
            m.put(dir.relativize(f).toString(), "gone");
          }
        }
      }
    }
    return m;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

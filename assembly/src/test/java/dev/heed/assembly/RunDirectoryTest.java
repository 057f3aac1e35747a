package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainedModel;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.train.Checkpoints;
import dev.heed.assembly.train.MetricsCsv;
import dev.heed.assembly.train.TrainerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory has one writer (the training that owns it) and any number of readers: readers
 * never repair or delete anything and read one committed checkpoint; the states a crash or a
 * concurrent training leaves are built by hand, so every case is deterministic.
 */
class RunDirectoryTest {
  private static final Path SIMPLE = Path.of("../examples/seed-simple.yaml");
  private static final List<double[]> ROWS =
      List.of(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0});

  @TempDir Path tmp;

  private static List<String> epochs(int n) {
    return List.of(
        "data.examples=200",
        "training.epochs=" + n,
        "training.stop.patience=0",
        "training.stop.target_loss=null",
        "backend=cpu");
  }

  private static TrainResult train(int epochs, Path dir) throws IOException {
    return train(epochs, dir, null);
  }

  private static TrainResult train(int epochs, Path dir, TrainingListener l) throws IOException {
    try (Assembly a = Heed.assemble(Heed.loadConfig(SIMPLE, epochs(epochs)), null)) {
      return a.train(dir, l);
    }
  }

  private static TrainResult resume(Path dir) throws IOException {
    try (Assembly a = Heed.resume(dir, null)) {
      return a.train(dir, null);
    }
  }

  private static double[] predict(Path dir) throws IOException {
    try (TrainedModel m = Heed.open(dir, null)) {
      return m.predict(ROWS).getFirst();
    }
  }

  /** Every file under {@code dir} (relative name → bytes), to show that nothing changed. */
  private static Map<String, String> contents(Path dir) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        String name = dir.relativize(p).toString();
        m.put(
            name,
            Files.isDirectory(p)
                ? "<dir>"
                : Integer.toHexString(Arrays.hashCode(Files.readAllBytes(p))));
      }
    }
    return m;
  }

  // 16.1: readers never repair or delete

  @Test
  void openingARunLeavesTheTrainersStagingDirectoryAlone() throws IOException {
    Path dir = tmp.resolve("run");
    train(2, dir);
    double[] before = predict(dir);
    // a training is writing its next checkpoint: files staged, no COMMIT marker yet
    Path staging = Files.createDirectories(dir.resolve(Checkpoints.STAGING));
    Files.write(staging.resolve(Checkpoints.WEIGHTS), new byte[] {1, 2, 3});
    Map<String, String> files = contents(dir);

    assertArrayEquals(before, predict(dir));
    assertEquals(files, contents(dir), "a reader changed the run directory");
  }

  @Test
  void openingARunMidCommitReadsTheNewCheckpointWithoutFinishingTheCommit() throws IOException {
    Path old = tmp.resolve("old");
    Path next = tmp.resolve("next");
    train(2, old);
    train(3, next);
    // the writer is between its renames: weights renamed, trainer.json still staged
    Path staging = Files.createDirectories(old.resolve(Checkpoints.STAGING));
    Files.copy(next.resolve(Checkpoints.WEIGHTS), old.resolve(Checkpoints.WEIGHTS), REPLACE);
    Files.copy(next.resolve(Checkpoints.OPTIMIZER), staging.resolve(Checkpoints.OPTIMIZER));
    Files.copy(next.resolve(TrainerState.FILE), staging.resolve(TrainerState.FILE));
    Files.write(staging.resolve("COMMIT"), new byte[0]);
    Map<String, String> files = contents(old);

    assertArrayEquals(predict(next), predict(old));
    assertEquals(files, contents(old), "a reader changed the run directory");
  }

  @Test
  void openingARunWhoseCommitHasNotStartedItsRenamesReadsTheStagedCheckpoint() throws IOException {
    Path old = tmp.resolve("old");
    Path next = tmp.resolve("next");
    train(2, old);
    train(3, next);
    Path staging = Files.createDirectories(old.resolve(Checkpoints.STAGING));
    for (String f : List.of(Checkpoints.WEIGHTS, Checkpoints.OPTIMIZER, TrainerState.FILE)) {
      Files.copy(next.resolve(f), staging.resolve(f));
    }
    Files.write(staging.resolve("COMMIT"), new byte[0]);
    Map<String, String> files = contents(old);

    assertArrayEquals(predict(next), predict(old));
    assertEquals(files, contents(old));
  }

  @Test
  void readersWhileATrainingCommitsEveryFewMillisecondsNeitherFailNorDisturbIt() throws Exception {
    Path dir = tmp.resolve("run");
    train(1, dir);
    Files.writeString(
        dir.resolve("config.yaml"),
        Files.readString(dir.resolve("config.yaml")).replace("epochs: 1\n", "epochs: 150\n"));
    // stopped after epoch 1 of 150 (rewrite its stop reason so that resume goes on)
    Path state = dir.resolve(TrainerState.FILE);
    Files.writeString(state, Files.readString(state).replace("\"max epochs\"", "null"));
    java.util.concurrent.atomic.AtomicReference<Throwable> trainer =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread t =
        new Thread(() -> {
          try {
            resume(dir);
          } catch (Throwable e) {
            trainer.set(e);
          }
        });
    t.start();
    int reads = 0;
    while (t.isAlive() || reads < 5) {
      assertEquals(5, predict(dir).length);
      reads++;
    }
    t.join();
    assertEquals(null, trainer.get(), "the training failed");
    assertEquals(150, TrainerState.load(dir).epoch());
    assertTrue(reads >= 5);
  }

  @Test
  void weightsOfAnotherEpochWithNoCommitUnderWayAreStillReported() throws IOException {
    Path old = tmp.resolve("old");
    Path next = tmp.resolve("next");
    train(2, old);
    train(3, next);
    Files.copy(next.resolve(Checkpoints.WEIGHTS), old.resolve(Checkpoints.WEIGHTS), REPLACE);

    ConfigException e = assertThrows(ConfigException.class, () -> predict(old));
    assertTrue(
        e.getMessage().contains("holds epoch 3 but trainer.json says epoch 2"), e::getMessage);
  }

  @Test
  void aReadOnlyRunWithALeftoverStagingDirectoryCanBeRead() throws IOException {
    Path dir = tmp.resolve("run");
    train(1, dir);
    Path staging = Files.createDirectories(dir.resolve(Checkpoints.STAGING));
    Files.write(staging.resolve(Checkpoints.WEIGHTS), new byte[] {1});
    Set<PosixFilePermission> rx =
        Set.of(
            PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_EXECUTE);
    Files.setPosixFilePermissions(staging, rx);
    Files.setPosixFilePermissions(dir, rx);
    try {
      assertEquals(5, predict(dir).length);
    } finally {
      Files.setPosixFilePermissions(dir, Set.of(PosixFilePermission.values()));
      Files.setPosixFilePermissions(staging, Set.of(PosixFilePermission.values()));
    }
    assertTrue(Files.exists(staging.resolve(Checkpoints.WEIGHTS)));
  }

  // 16.2: one writer per run directory

  @Test
  void aSecondTrainingOfARunBeingTrainedIsRefusedNamingTheOwner() throws IOException {
    Path dir = tmp.resolve("run");
    List<Throwable> second = new ArrayList<>();
    train(
        3,
        dir,
        new TrainingListener() {
          @Override
          public void onEpoch(EpochEvent event) {
            if (event.epoch() == 1) {
              try {
                resume(dir);
              } catch (IOException | RuntimeException e) {
                second.add(e);
              }
            }
          }
        });
    assertEquals(1, second.size(), "the second writer was not refused");
    String m = second.getFirst().getMessage();
    assertTrue(second.getFirst() instanceof ConfigException, m);
    assertTrue(m.contains("pid " + ProcessHandle.current().pid()), m);
    assertTrue(m.contains(dir.toString()), m);
    // the first run was not disturbed: it finished its 3 epochs
    assertEquals(3, TrainerState.load(dir).epoch());
  }

  @Test
  void aNewRunIntoADirectoryBeingTrainedIsRefusedNamingTheOwner() throws IOException {
    Path dir = tmp.resolve("run");
    List<Throwable> second = new ArrayList<>();
    train(
        2,
        dir,
        new TrainingListener() {
          @Override
          public void onStart(dev.heed.assembly.api.TrainingPlan plan) {
            try {
              train(1, dir);
            } catch (IOException | RuntimeException e) {
              second.add(e);
            }
          }
        });
    assertEquals(1, second.size());
    String m = second.getFirst().getMessage();
    assertTrue(m.contains("pid " + ProcessHandle.current().pid()), m);
  }

  @Test
  void aRefusedNewRunLeavesSomeoneElsesDirectoryAsItWas() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("notes"));
    Files.writeString(dir.resolve("notes.txt"), "mine");
    Map<String, String> files = contents(dir);
    ConfigException e = assertThrows(ConfigException.class, () -> train(1, dir));
    assertTrue(e.getMessage().contains("not empty"), e::getMessage);
    assertEquals(files, contents(dir), "no lock file is left in a directory that was refused");
  }

  // 16.4: the first checkpoint

  /** Thrown by a listener to stop training after an epoch's checkpoint, as a kill would. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void aCommittedFirstCheckpointIsReadAndResumed() throws IOException {
    Path one = tmp.resolve("one");
    Path three = tmp.resolve("three");
    Path dir = tmp.resolve("run");
    assertThrows(
        Stop.class,
        () ->
            train(
                3,
                one,
                new TrainingListener() {
                  @Override
                  public void onEpoch(EpochEvent event) {
                    throw new Stop();
                  }
                }));
    train(3, three);
    // killed while committing epoch 1: only config.yaml and the staged, committed checkpoint
    Files.createDirectories(dir.resolve(Checkpoints.STAGING));
    Files.copy(one.resolve("config.yaml"), dir.resolve("config.yaml"));
    for (String f : List.of(Checkpoints.WEIGHTS, Checkpoints.OPTIMIZER, TrainerState.FILE)) {
      Files.copy(one.resolve(f), dir.resolve(Checkpoints.STAGING).resolve(f));
    }
    Files.write(dir.resolve(Checkpoints.STAGING).resolve("COMMIT"), new byte[0]);

    assertArrayEquals(predict(one), predict(dir));
    TrainResult r = resume(dir);
    assertEquals(3, r.epochs());
    assertArrayEquals(
        Files.readAllBytes(three.resolve(Checkpoints.WEIGHTS)),
        Files.readAllBytes(dir.resolve(Checkpoints.WEIGHTS)));
  }

  @Test
  void aRunStoppedBeforeItsFirstEpochHasNoCheckpointYetAndResumesFromTheStart() throws IOException {
    Path full = tmp.resolve("full");
    Path dir = tmp.resolve("run");
    train(2, full);
    Files.createDirectories(dir);
    Files.copy(full.resolve("config.yaml"), dir.resolve("config.yaml"));

    ConfigException e = assertThrows(ConfigException.class, () -> predict(dir));
    assertTrue(e.getMessage().contains("no committed checkpoint yet"), e::getMessage);
    assertTrue(e.getMessage().contains(dir.toString()), e::getMessage);

    TrainResult r = resume(dir);
    assertEquals(2, r.epochs());
    assertArrayEquals(
        Files.readAllBytes(full.resolve(Checkpoints.WEIGHTS)),
        Files.readAllBytes(dir.resolve(Checkpoints.WEIGHTS)));
  }

  // 16.11: metrics.csv

  @Test
  void metricsAreCommittedWithTheCheckpoint() throws IOException {
    Path old = tmp.resolve("old");
    Path next = tmp.resolve("next");
    train(2, old);
    train(3, next);
    // killed after the COMMIT marker, before the renames
    Path staging = Files.createDirectories(old.resolve(Checkpoints.STAGING));
    try (Stream<Path> s = Files.list(next)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (List.of(Checkpoints.WEIGHTS, Checkpoints.OPTIMIZER, TrainerState.FILE).contains(n)) {
          Files.copy(p, staging.resolve(n));
        }
      }
    }
    Files.copy(next.resolve(MetricsCsv.FILE), staging.resolve(MetricsCsv.FILE));
    Files.write(staging.resolve("COMMIT"), new byte[0]);

    assertEquals(3, resume(old).epochs());
    assertEquals(4, Files.readAllLines(old.resolve(MetricsCsv.FILE)).size());
  }

  @Test
  void resumingAFinishedRunWithAShortMetricsFileRewritesIt() throws IOException {
    Path dir = tmp.resolve("run");
    train(2, dir);
    List<String> lines = Files.readAllLines(dir.resolve(MetricsCsv.FILE));
    assertEquals(3, lines.size());
    // the crash came between the last checkpoint and the metrics write
    Files.write(dir.resolve(MetricsCsv.FILE), lines.subList(0, 2));

    resume(dir);
    assertEquals(lines, Files.readAllLines(dir.resolve(MetricsCsv.FILE)));
  }

  // 16.13: trainer.json and file modes

  private Path runWithTrainerJson(String json) throws IOException {
    Path dir = tmp.resolve("run");
    train(1, dir);
    Files.writeString(dir.resolve(TrainerState.FILE), json);
    return dir;
  }

  @Test
  void anEmptyTrainerJsonIsReportedWithItsPath() throws IOException {
    Path dir = runWithTrainerJson("");
    ConfigException e = assertThrows(ConfigException.class, () -> predict(dir));
    assertTrue(e.getMessage().contains(dir.resolve(TrainerState.FILE).toString()), e::getMessage);
    assertFalse(e.getMessage().contains("com.fasterxml"), e::getMessage);
    assertFalse(e.getMessage().contains("Exception"), e::getMessage);
  }

  @Test
  void anEmptyObjectAsTrainerJsonNamesTheMissingField() throws IOException {
    Path dir = runWithTrainerJson("{}");
    ConfigException e = assertThrows(ConfigException.class, () -> predict(dir));
    assertFalse(e.getMessage().contains("NullPointerException"), e::getMessage);
    assertTrue(e.getMessage().contains("missing field"), e::getMessage);
    assertTrue(e.getMessage().contains(dir.resolve(TrainerState.FILE).toString()), e::getMessage);
  }

  @Test
  void anEpochOutOfRangeIsRefused() throws IOException {
    Path dir = tmp.resolve("run");
    train(1, dir);
    Path f = dir.resolve(TrainerState.FILE);
    Files.writeString(f, Files.readString(f).replaceFirst("\"epoch\" : 1,", "\"epoch\" : 1e30,"));
    ConfigException e = assertThrows(ConfigException.class, () -> predict(dir));
    assertFalse(e.getMessage().contains("1073741824"), e::getMessage);
    assertTrue(e.getMessage().contains("out of range"), e::getMessage);
    assertTrue(e.getMessage().contains("epoch"), e::getMessage);
  }

  @Test
  void trailingGarbageAfterTheTrainerStateIsRefused() throws IOException {
    Path dir = tmp.resolve("run");
    train(1, dir);
    Path f = dir.resolve(TrainerState.FILE);
    Files.writeString(f, Files.readString(f) + "}{ x");
    ConfigException e = assertThrows(ConfigException.class, () -> predict(dir));
    assertTrue(e.getMessage().startsWith(f + ":"), e::getMessage);
  }

  @Test
  void aTrainerStateWithNonFiniteLossesReadsBack() throws IOException {
    TrainerState s =
        new TrainerState(
            1,
            3,
            42,
            0,
            5,
            Double.POSITIVE_INFINITY,
            0,
            Map.of(),
            null,
            List.of(new EpochEvent(1, Double.NaN, Double.POSITIVE_INFINITY, Map.of("m", 1.0), 5)));
    s.save(tmp);
    TrainerState back = TrainerState.load(tmp);
    assertEquals(s.history().getFirst().trainLoss(), back.history().getFirst().trainLoss());
    assertEquals(Double.POSITIVE_INFINITY, back.history().getFirst().validationLoss());
    assertEquals(s.epoch(), back.epoch());
  }

  @Test
  void runFilesGetTheDefaultModeOfNewFiles() throws IOException {
    Path probe = Files.createFile(tmp.resolve("probe"));
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(probe);
    Path dir = tmp.resolve("run");
    train(1, dir);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        assertEquals(expected, Files.getPosixFilePermissions(p), p::toString);
      }
    }
  }

  private static final StandardCopyOption REPLACE = StandardCopyOption.REPLACE_EXISTING;
}

package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.assembly.train.Checkpoints;
import dev.heed.assembly.train.RunLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run directories from the command line: one training owns a directory (16.2), and a run killed
 * while committing its first checkpoint or stopped before it is handled the same way by predict,
 * {@code train --out} and {@code train --resume} (16.4).
 */
@SuppressWarnings("try") // the locks are held for their try blocks
class RunDirectoryOwnershipTest {
  private static final String CONFIG = Heeds.ROOT.resolve("examples/seed-simple.yaml").toString();
  private static final String ROW = "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]\n";

  @TempDir static Path shared;
  static Path trained;

  @TempDir Path tmp;

  private static String[] train(Path out, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "train",
                CONFIG,
                "--set",
                "training.epochs=2",
                "--set",
                "data.examples=200",
                "--set",
                "training.stop.patience=0",
                "--set",
                "training.stop.target_loss=null",
                "--backend",
                "cpu",
                "--out",
                out.toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @BeforeAll
  static void trainOnce() {
    trained = shared.resolve("trained");
    Heeds.run(train(trained)).expect(0);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // 16.2

  @Test
  void aNewRunIntoADirectoryAnotherTrainingOwnsIsRefusedNamingIt() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    try (RunLock held = RunLock.acquire(dir)) {
      Heeds.Result r = Heeds.run(train(dir)).expect(Exits.BAD_INPUT).noStackTrace();
      assertTrue(r.err().contains("in use"), r.err());
      assertTrue(r.err().contains("pid " + ProcessHandle.current().pid()), r.err());
      assertEquals(List.of(RunLock.FILE), names(dir), "the refused run wrote nothing");
    }
    // once the owner is gone the directory (holding only the lock file) is empty again
    Heeds.run(train(dir)).expect(0);
  }

  @Test
  void resumingARunAnotherTrainingOwnsIsRefusedNamingIt() throws IOException {
    Path dir = tmp.resolve("run");
    copy(trained, dir);
    try (RunLock held = RunLock.acquire(dir)) {
      Heeds.Result r =
          Heeds.run("train", "--resume", dir.toString(), "--backend", "cpu")
              .expect(Exits.BAD_INPUT)
              .noStackTrace();
      assertTrue(r.err().contains("in use"), r.err());
      assertTrue(r.err().contains("pid " + ProcessHandle.current().pid()), r.err());
    }
  }

  @Test
  void predictOnARunThatIsTrainingWorksAndTouchesNothing() throws IOException {
    Path dir = tmp.resolve("run");
    copy(trained, dir);
    Path staging = Files.createDirectories(dir.resolve(Checkpoints.STAGING));
    Files.write(staging.resolve(Checkpoints.WEIGHTS), new byte[] {1, 2});
    try (RunLock held = RunLock.acquire(dir)) {
      Heeds.runWithStdin(ROW, "predict", dir.toString(), "-", "--backend", "cpu").expect(0);
      Heeds.runWithStdin(ROW, "predict", dir.toString(), "-", "--backend", "cpu").expect(0);
    }
    assertTrue(Files.exists(staging.resolve(Checkpoints.WEIGHTS)), "predict removed staging");
  }

  // 16.4

  @Test
  void aRunKilledWhileCommittingItsFirstCheckpointIsARun() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    Files.copy(trained.resolve("config.yaml"), dir.resolve("config.yaml"));
    Path staging = Files.createDirectories(dir.resolve(Checkpoints.STAGING));
    for (String f : List.of(Checkpoints.WEIGHTS, Checkpoints.OPTIMIZER, "trainer.json")) {
      Files.copy(trained.resolve(f), staging.resolve(f));
    }
    Files.write(staging.resolve("COMMIT"), new byte[0]);

    Heeds.Result p =
        Heeds.runWithStdin(ROW, "predict", dir.toString(), "-", "--backend", "cpu").expect(0);
    assertEquals(
        Heeds.runWithStdin(ROW, "predict", trained.toString(), "-", "--backend", "cpu").out(),
        p.out());
    Heeds.run("train", "--resume", dir.toString(), "--backend", "cpu").expect(0);
    assertFalse(Files.exists(staging), "the writer finished the commit");
    assertTrue(Files.isRegularFile(dir.resolve(Checkpoints.WEIGHTS)));
  }

  @Test
  void aRunStoppedBeforeItsFirstEpochSaysSoAndResumes() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    Files.copy(trained.resolve("config.yaml"), dir.resolve("config.yaml"));

    Heeds.Result p =
        Heeds.runWithStdin(ROW, "predict", dir.toString(), "-", "--backend", "cpu")
            .expect(Exits.BAD_INPUT)
            .noStackTrace();
    assertTrue(p.err().contains("no committed checkpoint yet"), p.err());
    assertTrue(p.err().contains("heed train --resume " + dir), p.err());

    Heeds.Result t = Heeds.run(train(dir)).expect(Exits.BAD_INPUT).noStackTrace();
    assertTrue(t.err().contains("--resume " + dir), t.err());
    // what both messages advise works, and gives the run an uninterrupted training would
    Heeds.run("train", "--resume", dir.toString(), "--backend", "cpu").expect(0);
    assertEquals(
        Files.readString(trained.resolve("metrics.csv"))
            .lines()
            .map(RunDirectoryOwnershipTest::noTime)
            .toList(),
        Files.readString(dir.resolve("metrics.csv"))
            .lines()
            .map(RunDirectoryOwnershipTest::noTime)
            .toList());
    Heeds.runWithStdin(ROW, "predict", dir.toString(), "-", "--backend", "cpu").expect(0);
  }

  @Test
  void aDirectoryWithoutARunIsNotAdvisedToBeResumed() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    Files.writeString(dir.resolve(".config.yaml.1234.tmp"), "half");
    Heeds.Result t = Heeds.run(train(dir)).expect(Exits.BAD_INPUT).noStackTrace();
    assertFalse(t.err().contains("--resume"), t.err());
    Heeds.run("train", "--resume", dir.toString()).expect(Exits.BAD_INPUT).noStackTrace();
  }

  // 16.13: files get the mode of any new file (the umask decides), not owner-only 0600

  @Test
  void everyFileOfARunHasTheDefaultMode() throws IOException {
    Set<PosixFilePermission> expected =
        Files.getPosixFilePermissions(Files.createFile(tmp.resolve("probe")));
    try (Stream<Path> s = Files.list(trained)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        assertEquals(expected, Files.getPosixFilePermissions(p), p::toString);
      }
    }
  }

  /** A metrics.csv line without its elapsed time. */
  private static String noTime(String line) {
    return line.substring(0, line.lastIndexOf(','));
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        if (!p.getFileName().toString().equals(RunLock.FILE)) {
          Files.copy(p, to.resolve(p.getFileName()));
        }
      }
    }
  }
}

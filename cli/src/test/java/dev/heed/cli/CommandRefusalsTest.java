package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.13: options and inputs that were ignored or misreported are refused with status 2 and a
 * message saying what is wrong.
 */
class CommandRefusalsTest {
  @TempDir static Path shared;
  static Path run;

  @TempDir Path tmp;

  @BeforeAll
  static void trainASmallRun() {
    run = shared.resolve("run");
    Heeds.run(
            "train",
            EndToEndTest.SEED_SIMPLE.toString(),
            "--set",
            "training.epochs=1",
            "--set",
            "data.examples=64",
            "--backend",
            "cpu",
            "--out",
            run.toString())
        .expect(Exits.OK);
  }

  private static String header() throws IOException {
    List<String> columns = new ArrayList<>();
    try (TrainedModel m = Heed.open(run, "cpu")) {
      columns.addAll(m.inputNames());
      columns.addAll(m.outputNames());
    }
    return String.join(",", columns) + "\n";
  }

  private static void refused(Heeds.Result r, String... fragments) {
    r.expect(Exits.BAD_INPUT).noStackTrace();
    assertTrue(r.out().isEmpty(), () -> "wrote to stdout:\n" + r.out());
    for (String f : fragments) {
      assertTrue(r.err().contains(f), () -> "no '" + f + "' in:\n" + r.err());
    }
  }

  @Test
  void predictRefusesANegativeTemperature() throws IOException {
    Path in = Files.writeString(tmp.resolve("in.csv"), header());
    refused(
        Heeds.run("predict", run.toString(), in.toString(), "--temperature", "-1"),
        "--temperature");
    refused(
        Heeds.run("predict", run.toString(), "--sample", "5", "--temperature", "-1"),
        "--temperature",
        "-1");
    refused(
        Heeds.run("predict", run.toString(), "--sample", "5", "--temperature", "Infinity"),
        "--temperature");
  }

  @Test
  void predictRefusesSamplingOptionsWithoutSample() throws IOException {
    Path in = Files.writeString(tmp.resolve("in.csv"), header());
    refused(
        Heeds.run("predict", run.toString(), in.toString(), "--prompt", "Heed "),
        "--prompt",
        "--sample");
    refused(Heeds.run("predict", run.toString(), in.toString(), "--seed", "3"), "--seed");
    refused(Heeds.run("predict", run.toString(), "--sample", "-4"), "--sample");
  }

  @Test
  void evalRefusesACsvWithoutExamples() throws IOException {
    Path data = Files.writeString(tmp.resolve("empty.csv"), header());
    Heeds.Result r = Heeds.run("eval", run.toString(), data.toString());
    refused(r, data.toString(), "no examples");
    assertFalse(r.out().contains("nan"), r.out());
  }

  @Test
  void aSymbolicLinkLoopIsNotCalledMissing() throws IOException {
    Path a = tmp.resolve("a.csv");
    Path b = tmp.resolve("b.csv");
    Files.createSymbolicLink(a, b);
    Files.createSymbolicLink(b, a);
    refused(Heeds.run("eval", run.toString(), a.toString()), a.toString(), "symbolic link");
    refused(Heeds.run("predict", run.toString(), a.toString()), a.toString(), "symbolic link");
    refused(Heeds.run("predict", a.toString(), "-"), a.toString(), "symbolic link");
    refused(Heeds.run("train", a.toString()), a.toString(), "symbolic link");
  }

  @Test
  void aFifoOrADanglingLinkIsNamedAsSuch() throws Exception {
    Path fifo = tmp.resolve("pipe.csv");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(mk.waitFor() == 0, "mkfifo failed");
    refused(Heeds.run("eval", run.toString(), fifo.toString()), fifo.toString(), "a FIFO");
    refused(Heeds.run("train", fifo.toString()), fifo.toString(), "a FIFO", "CONFIG");
    Path dangling = tmp.resolve("dangling.csv");
    Files.createSymbolicLink(dangling, tmp.resolve("gone.csv"));
    refused(
        Heeds.run("predict", run.toString(), dangling.toString()),
        dangling.toString(),
        "symbolic link to",
        "does not exist");
  }

  @Test
  void anUnreadableDirectoryIsNotCalledMissing() throws IOException {
    Path locked = Files.createDirectories(tmp.resolve("locked"));
    Path data = Files.writeString(locked.resolve("data.csv"), header());
    assumeTrue(locked.toFile().setExecutable(false, false) && locked.toFile().setReadable(false));
    try {
      assumeTrue(!Files.isReadable(data), "running as a user who reads everything (root)");
      refused(
          Heeds.run("eval", run.toString(), data.toString()), data.toString(), "permission denied");
    } finally {
      locked.toFile().setExecutable(true, false);
      locked.toFile().setReadable(true);
    }
  }

  /** Issue 16.6: a weights file with a header nested 6,000 levels is bad input, not a trace. */
  @Test
  void deeplyNestedWeightsAreBadInput() throws IOException {
    Path copy = Files.createDirectories(tmp.resolve("copy"));
    try (var files = Files.list(run)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    byte[] h =
        ("{\"a\":" + "[".repeat(6000) + "]".repeat(6000) + "}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 + h.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path weights = Files.write(copy.resolve("weights.safetensors"), b.array());
    Path in = Files.writeString(tmp.resolve("in.csv"), header());
    Heeds.Result r = Heeds.run("predict", copy.toString(), in.toString());
    refused(r, weights.getFileName().toString(), "nested");
  }

  @Test
  void trainOutUnderARegularFileIsBadInput() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain"), "x\n");
    Path out = file.resolve("run");
    Heeds.Result r =
        Heeds.run(
            "train",
            EndToEndTest.SEED_SIMPLE.toString(),
            "--set",
            "training.epochs=1",
            "--backend",
            "cpu",
            "--out",
            out.toString());
    r.expect(Exits.BAD_INPUT).noStackTrace();
    assertTrue(r.err().contains("not a directory"), r.err());
  }
}

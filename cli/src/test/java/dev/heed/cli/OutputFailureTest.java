package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.TrainedModel;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.3: a command whose standard output cannot be written fails (exit 1, a message on
 * standard error) instead of losing its output with exit 0.
 */
class OutputFailureTest {
  @TempDir Path tmp;

  /** An output stream that fails every write, as a full disk or a closed pipe does. */
  private static final class FullStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      throw new IOException("No space left on device");
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      throw new IOException("No space left on device");
    }
  }

  private static Heeds.Result runWithFullStdout(String... args) {
    StringWriter err = new StringWriter();
    PrintWriter out = new PrintWriter(new FullStream(), true, StandardCharsets.UTF_8);
    int status =
        Main.run(
            args,
            new Io(out, new PrintWriter(err), InputStream.nullInputStream(), Map.of(), false));
    return new Heeds.Result(status, "", err.toString());
  }

  private static void assertWriteFailure(Heeds.Result r) {
    r.expect(Exits.FAILURE).noStackTrace();
    assertTrue(r.err().contains("could not write to standard output"), r.err());
  }

  @Test
  void pluginsWithAFailingStdoutExitsOne() {
    assertWriteFailure(runWithFullStdout("plugins"));
  }

  @Test
  void versionAndHelpWithAFailingStdoutExitOne() {
    assertWriteFailure(runWithFullStdout("--version"));
    assertWriteFailure(runWithFullStdout("predict", "--help"));
  }

  @Test
  void initWithAFailingStdoutExitsOne() {
    assertWriteFailure(
        runWithFullStdout("init", "seed-simple", "--out", tmp.resolve("c.yaml").toString()));
  }

  @Test
  void evalAndPredictWithAFailingStdoutExitOne() throws IOException {
    Path run = tmp.resolve("run");
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
        .expect(0);
    Path data = csv(run, tmp.resolve("data.csv"));
    assertWriteFailure(runWithFullStdout("eval", run.toString(), data.toString()));
    assertWriteFailure(runWithFullStdout("predict", run.toString(), data.toString()));
  }

  /** A CSV with the run's input and output columns and a few rows of zeros. */
  private static Path csv(Path run, Path file) throws IOException {
    List<String> columns = new ArrayList<>();
    try (TrainedModel m = Heed.open(run, "cpu")) {
      columns.addAll(m.inputNames());
      columns.addAll(m.outputNames());
    }
    StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
    for (int i = 0; i < 20; i++) {
      b.append(String.join(",", java.util.Collections.nCopies(columns.size(), "0.5"))).append('\n');
    }
    return Files.writeString(file, b);
  }

  @Test
  void aFailingCommandKeepsItsOwnStatus() {
    Heeds.Result r = runWithFullStdout("init", "no-such-template");
    r.expect(Exits.BAD_INPUT).noStackTrace();
  }

  /** The real process: {@code heed plugins > /dev/full}. */
  @Test
  void theProcessReportsDevFull() throws Exception {
    File full = new File("/dev/full");
    assumeTrue(full.exists(), "no /dev/full on this system");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(
        Stream.of(System.getProperty("jdk.module.path"), System.getProperty("java.class.path"))
            .filter(s -> s != null && !s.isBlank())
            .collect(Collectors.joining(File.pathSeparator)));
    command.add(Main.class.getName());
    command.add("plugins");
    Path err = tmp.resolve("stderr.txt");
    // Opening /dev/full for writing is harmless: every write to it fails with ENOSPC.
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.to(full))
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out");
    String errText = Files.readString(err, StandardCharsets.UTF_8);
    assertEquals(Exits.FAILURE, p.exitValue(), errText);
    assertTrue(
        errText.contains("could not write to standard output: No space left on device"), errText);
    assertFalse(errText.contains("\tat "), errText);
  }
}

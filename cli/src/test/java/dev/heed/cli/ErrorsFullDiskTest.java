package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 16.13: a full disk is reported with where the command was writing, not only the bare {@code
 * No space left on device} that Java's file streams give.
 */
class ErrorsFullDiskTest {
  @Command(name = "write")
  static final class Write implements Callable<Integer> {
    @Option(names = "--out")
    Path out;

    @Option(names = "--resume")
    Path resume;

    @Override
    public Integer call() {
      throw new UncheckedIOException(new IOException("No space left on device"));
    }
  }

  private static String run(String... args) {
    StringWriter err = new StringWriter();
    Io io =
        new Io(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            InputStream.nullInputStream(),
            Map.of(),
            false);
    Errors errors = new Errors(io, new HeedCommand(io));
    CommandLine cl = new CommandLine(new Write());
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler(errors);
    cl.setExitCodeExceptionMapper(errors);
    assertEquals(Exits.FAILURE, cl.execute(args));
    return err.toString();
  }

  @Test
  void aFullDiskNamesTheOutputDirectory() {
    String err = run("--out", "/mnt/small/run");
    assertTrue(err.contains("No space left on device"), err);
    assertTrue(err.contains("/mnt/small/run"), err);
  }

  @Test
  void aFullDiskNamesTheResumedRun() {
    String err = run("--resume", "/mnt/small/run2");
    assertTrue(err.contains("/mnt/small/run2"), err);
  }
}

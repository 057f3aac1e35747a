package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@code heed} in process with captured output, for tests. */
final class Heeds {
  private Heeds() {}

  /** The repository root (tests run in {@code cli/}). */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The outcome of one run. */
  record Result(int status, String out, String err) {
    /** Fails unless the status is {@code expected}, showing both streams. */
    Result expect(int expected) {
      assertEquals(expected, status, () -> "exit status; stdout:\n" + out + "\nstderr:\n" + err);
      return this;
    }

    /** Fails when standard error holds a stack trace. */
    Result noStackTrace() {
      assertFalse(err.contains("\tat "), () -> "stack trace on stderr:\n" + err);
      assertFalse(err.contains("Exception in thread"), () -> "stack trace on stderr:\n" + err);
      return this;
    }
  }

  /** Runs {@code heed args} with empty standard input. */
  static Result run(String... args) {
    return runWithInput(InputStream.nullInputStream(), args);
  }

  /** Runs {@code heed args} with {@code stdin} as standard input. */
  static Result runWithStdin(String stdin, String... args) {
    return runWithInput(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
  }

  private static Result runWithInput(InputStream in, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status =
        Main.run(args, new Io(new PrintWriter(out), new PrintWriter(err), in, Map.of(), false));
    return new Result(status, out.toString(), err.toString());
  }
}

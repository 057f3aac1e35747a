package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 16.6: a {@code StackOverflowError} or {@code OutOfMemoryError} inside a command is a short
 * message and exit 1, never a stack trace.
 */
class JvmErrorTest {
  /** Standard output that throws {@code error} on the first write, as a command's work might. */
  private static Heeds.Result runWhereWritingThrows(Supplier<Error> error, String... args) {
    Writer throwing =
        new Writer() {
          @Override
          public void write(char[] cbuf, int off, int len) {
            throw error.get();
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    StringWriter err = new StringWriter();
    int status =
        Main.run(
            args,
            new Io(
                new PrintWriter(throwing),
                new PrintWriter(err),
                InputStream.nullInputStream(),
                Map.of(),
                false));
    return new Heeds.Result(status, "", err.toString());
  }

  private static void assertShort(Heeds.Result r, String what) {
    r.expect(Exits.FAILURE).noStackTrace();
    assertTrue(r.err().contains(what), r.err());
    assertTrue(r.err().lines().count() <= 3, () -> "not short:\n" + r.err());
  }

  @Test
  void stackOverflowInACommandIsAShortMessage() {
    assertShort(runWhereWritingThrows(StackOverflowError::new, "plugins"), "stack");
  }

  @Test
  void outOfMemoryInACommandIsAShortMessage() {
    assertShort(
        runWhereWritingThrows(() -> new OutOfMemoryError("Java heap space"), "plugins"),
        "out of memory");
  }

  @Test
  void stackOverflowWhilePrintingTheVersionIsAShortMessage() {
    assertShort(runWhereWritingThrows(StackOverflowError::new, "--version"), "stack");
  }
}

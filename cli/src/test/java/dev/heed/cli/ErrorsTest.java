package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ErrorsTest {

  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("the kernel exploded\nsecond line");
    }
  }

  private static int run(Map<String, String> env, StringWriter err) {
    Io io =
        new Io(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            InputStream.nullInputStream(),
            env,
            false);
    Errors errors = new Errors(io, new HeedCommand(io));
    CommandLine cl = new CommandLine(new Boom());
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler(errors);
    cl.setExitCodeExceptionMapper(errors);
    return cl.execute();
  }

  @Test
  void failureIsOneLineWithoutStackTrace() {
    StringWriter err = new StringWriter();
    assertEquals(Exits.FAILURE, run(Map.of(), err));
    String[] lines = err.toString().strip().split("\n");
    assertEquals("boom: error: IllegalStateException: the kernel exploded", lines[0]);
    assertEquals(2, lines.length, err.toString());
    assertTrue(lines[1].contains("HEED_DEBUG=1"), lines[1]);
    assertFalse(err.toString().contains("\tat "));
  }

  @Test
  void heedDebugShowsTheStackTrace() {
    StringWriter err = new StringWriter();
    assertEquals(Exits.FAILURE, run(Map.of("HEED_DEBUG", "1"), err));
    assertTrue(err.toString().contains("\tat "), err.toString());
  }
}

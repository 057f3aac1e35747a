package dev.heed.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of the {@code heed} command. {@link #main} exits the JVM with the command's status;
 * {@link #run} returns it, for tests and for embedding.
 *
 * <p>Exit statuses: {@value Exits#OK} success, {@value Exits#BAD_INPUT} bad input or usage (bad
 * config, unknown option, missing file), {@value Exits#FAILURE} any other failure.
 */
public final class Main {
  private Main() {}

  /**
   * Runs {@code heed} with the process's streams and environment, then exits with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int status = run(args, Io.system(out, err));
    out.flush();
    err.flush();
    System.exit(status);
  }

  /**
   * Runs {@code heed} without exiting the JVM.
   *
   * @param args the command line
   * @param io where the command reads and writes, and its environment
   * @return the exit status: 0 success, 2 bad input or usage, 1 failure
   */
  public static int run(String[] args, Io io) {
    System.setProperty("java.awt.headless", "true");
    CommandLine cl = commandLine(io);
    int status = cl.execute(args);
    io.out().flush();
    io.err().flush();
    return status;
  }

  /**
   * Runs {@code heed} with the given writers, no terminal and an empty environment (for tests).
   *
   * @param args the command line
   * @param out standard output
   * @param err standard error
   * @return the exit status
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, new Io(out, err, InputStream.nullInputStream(), Map.of(), false));
  }

  /** The configured picocli command line, for {@code heed completion} and tests. */
  static CommandLine commandLine(Io io) {
    HeedCommand root = new HeedCommand(io);
    CommandLine cl = new CommandLine(root);
    cl.setOut(io.out());
    cl.setErr(io.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    Errors errors = new Errors(io, root);
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    cl.setExitCodeExceptionMapper(errors);
    return cl;
  }
}

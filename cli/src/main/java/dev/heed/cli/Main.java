package dev.heed.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
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
    // Standard output through a stream that remembers its first write error, so that a full disk
    // or a closed pipe is reported with its reason (System.out would swallow it).
    Recording stdout = new Recording(new FileOutputStream(FileDescriptor.out));
    PrintWriter out = new PrintWriter(stdout, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int status = run(args, Io.system(out, err), stdout::failure);
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
    return run(args, io, () -> null);
  }

  /**
   * Runs {@code heed}, then checks that everything written to standard output reached it: when it
   * did not (a full disk, a closed pipe), says so on standard error and fails with status 1 (a
   * command that already failed keeps its status).
   */
  private static int run(String[] args, Io io, Supplier<IOException> stdoutFailure) {
    System.setProperty("java.awt.headless", "true");
    int status;
    try {
      CommandLine cl = commandLine(io);
      status = cl.execute(args);
    } catch (StackOverflowError | OutOfMemoryError e) {
      // picocli hands only Exceptions to Errors: these JVM errors, from parsing or from a
      // command, end here as one line, without the trace.
      io.err().println("heed: error: " + Errors.message(e, Exits.FAILURE));
      if (io.debugFromEnv()) {
        e.printStackTrace(io.err());
      }
      status = Exits.FAILURE;
    }
    if (io.out().checkError()) {
      IOException cause = stdoutFailure.get();
      io.err()
          .println(
              "heed: error: could not write to standard output"
                  + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""));
      if (status == Exits.OK) {
        status = Exits.FAILURE;
      }
    }
    io.err().flush();
    return status;
  }

  /** An output stream that remembers the first write error of the stream it wraps. */
  private static final class Recording extends FilterOutputStream {
    private volatile IOException failure;

    Recording(OutputStream out) {
      super(out);
    }

    IOException failure() {
      return failure;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        record(e);
        throw e;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        record(e);
        throw e;
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        record(e);
        throw e;
      }
    }

    private void record(IOException e) {
      if (failure == null) {
        failure = e;
      }
    }
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

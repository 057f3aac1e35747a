package dev.heed.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Where a command reads and writes, its environment, and whether standard output is an interactive
 * terminal (then {@code heed train} draws a progress bar, else it logs one line per epoch).
 *
 * @param out standard output
 * @param err standard error
 * @param in standard input ({@code heed predict RUN -})
 * @param env environment variables ({@code HEED_DEBUG})
 * @param terminal true when output goes to an interactive, non-dumb terminal
 * @param columns the terminal's width in characters (80 when unknown)
 */
public record Io(
    PrintWriter out,
    PrintWriter err,
    InputStream in,
    Map<String, String> env,
    boolean terminal,
    int columns) {

  /** Checks for nulls and copies the environment. */
  public Io {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(in, "in");
    env = Map.copyOf(env);
  }

  /** Not a terminal: 80 columns. */
  public Io(
      PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, boolean terminal) {
    this(out, err, in, env, terminal, 80);
  }

  /** The process's streams and environment; a terminal when the console is one and not dumb. */
  public static Io system(PrintWriter out, PrintWriter err) {
    Map<String, String> env = System.getenv();
    Console console = System.console();
    boolean terminal =
        console != null && console.isTerminal() && !"dumb".equals(env.getOrDefault("TERM", ""));
    return new Io(out, err, System.in, env, terminal, terminal ? columns(env) : 80);
  }

  /** The terminal's width: {@code COLUMNS}, else what {@code stty size} says, else 80. */
  private static int columns(Map<String, String> env) {
    try {
      int c = Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
      if (c > 0) {
        return c;
      }
    } catch (NumberFormatException e) {
      // ask the terminal
    }
    try {
      Process p =
          new ProcessBuilder("stty", "size")
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
              .redirectErrorStream(true)
              .start();
      String[] size =
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
              .strip()
              .split("\\s+");
      if (p.waitFor() == 0 && size.length == 2) {
        int c = Integer.parseInt(size[1]);
        return c > 0 ? c : 80;
      }
    } catch (IOException | NumberFormatException e) {
      // no stty, or no tty
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 80;
  }

  /** Whether {@code HEED_DEBUG} asks for stack traces. */
  boolean debugFromEnv() {
    String v = env.get("HEED_DEBUG");
    return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
  }
}

package dev.heed.serve;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** {@code java -m dev.heed.serve/dev.heed.serve.ServeMain RUN… --port P}: heed serve alone. */
public final class ServeMain {
  private ServeMain() {}

  /**
   * Serves until stopped, then exits with the command's status.
   *
   * @param args as {@code heed serve}'s
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(ServeCommand.run(out, err, args));
  }
}

package dev.heed.serve;

import java.io.PrintWriter;
import java.util.spi.ToolProvider;

/**
 * {@code heed serve} as the JDK tool {@code heed-serve}: the {@code heed} command finds it with
 * {@link ToolProvider#findFirst} when this module is on its path, without depending on it.
 */
public final class ServeTool implements ToolProvider {
  /** For {@link java.util.ServiceLoader}. */
  public ServeTool() {}

  @Override
  public String name() {
    return "heed-serve";
  }

  @Override
  public int run(PrintWriter out, PrintWriter err, String... args) {
    return ServeCommand.run(out, err, args);
  }
}

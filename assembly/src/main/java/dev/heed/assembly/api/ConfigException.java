package dev.heed.assembly.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A bad configuration or bad input data. {@link #getMessage()} is complete and human readable:
 * {@code FILE:LINE:COLUMN: config path `optimizer.lr`: found ..., expected ...} (the file, line and
 * column are left out when unknown; a value given with {@code --set} names that argument instead).
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final int column;
  private final String configPath;

  /**
   * @param origin where the offending text is, or null when unknown
   * @param configPath the dotted config path ({@code model.layers[1].units}), or "" when none
   * @param problem what was found and what would be right
   */
  public ConfigException(Origin origin, String configPath, String problem) {
    this(origin, configPath, problem, null);
  }

  /**
   * @param origin where the offending text is, or null when unknown
   * @param configPath the dotted config path, or "" when none
   * @param problem what was found and what would be right
   * @param cause the underlying error, or null
   */
  public ConfigException(Origin origin, String configPath, String problem, Throwable cause) {
    super(format(origin, configPath, problem), cause);
    this.file = origin == null ? null : origin.file();
    this.line = origin == null ? 0 : origin.line();
    this.column = origin == null ? 0 : origin.column();
    this.configPath = configPath == null ? "" : configPath;
  }

  /** A problem without a location (bad data files, run directories). */
  public ConfigException(String problem) {
    this(null, "", problem, null);
  }

  /** A problem without a location, with its cause. */
  public ConfigException(String problem, Throwable cause) {
    this(null, "", problem, cause);
  }

  private static String format(Origin origin, String path, String problem) {
    StringBuilder b = new StringBuilder();
    if (origin != null && !origin.describe().isEmpty()) {
      b.append(origin.describe()).append(": ");
    }
    if (path != null && !path.isEmpty()) {
      b.append("config path `").append(path).append("`: ");
    }
    return b.append(problem).toString();
  }

  /** The config file, when known. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The 1-based column, or 0 when unknown. */
  public int column() {
    return column;
  }

  /** The dotted config path, or "" when the problem is not about one key. */
  public String configPath() {
    return configPath;
  }
}

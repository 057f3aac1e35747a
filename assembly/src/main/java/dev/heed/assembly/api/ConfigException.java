package dev.heed.assembly.api;

import java.nio.file.Path;
import java.util.List;
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
  // null for a single problem (this one)
  private final transient List<ConfigException> problems;

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
    this.problems = null;
  }

  private ConfigException(List<ConfigException> problems) {
    super(
        problems.size()
            + " problems in the config:\n"
            + String.join(
                "\n",
                problems.stream().map(p -> "  " + p.getMessage().replace("\n", "\n  ")).toList()),
        problems.get(0));
    ConfigException first = problems.get(0);
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.configPath = first.configPath;
    this.problems = List.copyOf(problems);
  }

  /**
   * The problems as one exception: the problem itself when there is one, else an exception whose
   * message lists each (with its location, as a compiler lists its errors) and whose location is
   * the first one's.
   *
   * @throws IllegalArgumentException when {@code problems} is empty
   */
  public static ConfigException of(List<ConfigException> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("no problems to report");
    }
    return problems.size() == 1 ? problems.get(0) : new ConfigException(problems);
  }

  /** Every problem this exception reports: itself, or each of several found in one pass. */
  public List<ConfigException> problems() {
    return problems == null ? List.of(this) : problems;
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

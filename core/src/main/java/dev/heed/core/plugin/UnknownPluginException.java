package dev.heed.core.plugin;

import java.util.List;

/**
 * A name that no provider of a kind answers to. The message lists the available names, suggests the
 * closest one, and names the artifact that provides the name when Heed knows it.
 */
public class UnknownPluginException extends PluginException {
  private static final long serialVersionUID = 1L;

  private final String kind;
  private final String requested;
  private final transient List<String> availableNames;
  private final String suggestion;

  /**
   * @param kind the plugin kind, for example {@code activation}
   * @param requested the name asked for
   * @param availableNames the names that exist
   * @param suggestion the closest name, or null
   * @param artifact the Maven artifact that provides {@code requested}, or null when unknown
   */
  public UnknownPluginException(
      String kind,
      String requested,
      List<String> availableNames,
      String suggestion,
      String artifact) {
    super(message(kind, requested, availableNames, suggestion, artifact));
    this.kind = kind;
    this.requested = requested;
    this.availableNames = List.copyOf(availableNames);
    this.suggestion = suggestion;
  }

  private static String message(
      String kind, String requested, List<String> available, String suggestion, String artifact) {
    StringBuilder b = new StringBuilder("unknown " + kind + " '" + requested + "'");
    if (suggestion != null) {
      b.append("; did you mean '").append(suggestion).append("'?");
    }
    b.append(
        available.isEmpty()
            ? "; no " + kind + " providers were found on the path"
            : "; available: " + String.join(", ", available));
    if (artifact != null) {
      b.append("; '")
          .append(requested)
          .append("' is provided by ")
          .append(artifact)
          .append(" — add it to the module path (or class path)");
    }
    return b.toString();
  }

  /** The plugin kind. */
  public String kind() {
    return kind;
  }

  /** The name asked for. */
  public String requested() {
    return requested;
  }

  /** The names that exist. */
  public List<String> availableNames() {
    return availableNames;
  }

  /** The closest existing name, or null. */
  public String suggestion() {
    return suggestion;
  }
}

package dev.heed.core.plugin;

/** Value types of provider options, as configs spell them. */
public enum OptionType {
  /** A 32-bit integer. */
  INTEGER,
  /** A real number (integers are accepted). */
  DOUBLE,
  /** {@code true} or {@code false}. */
  BOOLEAN,
  /** Free text. */
  STRING,
  /** One of a fixed list of words. */
  CHOICE,
  /**
   * A list of numbers ({@code [0.9, 0.999]}); a tuple when its {@link OptionSpec#length()} is
   * fixed. Resolved to a {@code List<Double>}, read with {@link Options#getNumbers}.
   */
  NUMBERS,
  /** A list of texts ({@code [a, b]}). Resolved to a {@code List<String>}. */
  STRINGS,
  /**
   * Another plugin of the kind {@link OptionSpec#kind()}, by name or as {@code {name: …, <its
   * options>}}. Resolved to a {@link Configured} (the provider with its resolved options).
   */
  PLUGIN;

  /** The lower-case word used in messages and schemas. */
  public String word() {
    return switch (this) {
      case INTEGER -> "integer";
      case DOUBLE -> "number";
      case BOOLEAN -> "boolean";
      case STRING -> "string";
      case CHOICE -> "choice";
      case NUMBERS -> "list of numbers";
      case STRINGS -> "list of strings";
      case PLUGIN -> "plugin";
    };
  }

  /** The word with its article, as messages use it ("an integer", "a number"). */
  public String withArticle() {
    return (this == INTEGER ? "an " : "a ") + word();
  }
}

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
  CHOICE;

  /** The lower-case word used in messages and schemas. */
  public String word() {
    return switch (this) {
      case INTEGER -> "integer";
      case DOUBLE -> "number";
      case BOOLEAN -> "boolean";
      case STRING -> "string";
      case CHOICE -> "choice";
    };
  }
}

package dev.heed.core.plugin;

import java.util.List;
import java.util.Objects;

/**
 * One declared option of a provider.
 *
 * @param name the key in configs, lower_snake_case as PyTorch names it (for example {@code
 *     negative_slope})
 * @param type the value type
 * @param defaultValue the default ({@link Integer}, {@link Double}, {@link Boolean} or {@link
 *     String} as the type says), or {@code null} when the option is required
 * @param description one line
 * @param choices the allowed words for {@link OptionType#CHOICE}, else empty
 * @param min inclusive lower bound for numbers, or {@code -∞}
 * @param max inclusive upper bound for numbers, or {@code +∞}
 */
public record OptionSpec(
    String name,
    OptionType type,
    Object defaultValue,
    String description,
    List<String> choices,
    double min,
    double max) {

  /** Validates the declaration itself. */
  public OptionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    choices = List.copyOf(choices);
    if (type == OptionType.CHOICE && choices.isEmpty()) {
      throw new IllegalArgumentException("option " + name + ": a choice needs its allowed words");
    }
  }

  /** An integer option with a default. */
  public static OptionSpec integer(String name, Integer defaultValue, String description) {
    return new OptionSpec(
        name, OptionType.INTEGER, defaultValue, description, List.of(), -1e300, 1e300);
  }

  /** A number option with a default. */
  public static OptionSpec number(String name, Double defaultValue, String description) {
    return new OptionSpec(
        name, OptionType.DOUBLE, defaultValue, description, List.of(), -1e300, 1e300);
  }

  /** A boolean option with a default. */
  public static OptionSpec bool(String name, boolean defaultValue, String description) {
    return new OptionSpec(name, OptionType.BOOLEAN, defaultValue, description, List.of(), 0, 0);
  }

  /** A text option with a default. */
  public static OptionSpec string(String name, String defaultValue, String description) {
    return new OptionSpec(name, OptionType.STRING, defaultValue, description, List.of(), 0, 0);
  }

  /** A choice among {@code choices}, defaulting to {@code defaultValue}. */
  public static OptionSpec choice(
      String name, String defaultValue, String description, String... choices) {
    return new OptionSpec(
        name, OptionType.CHOICE, defaultValue, description, List.of(choices), 0, 0);
  }

  /** This option with inclusive numeric bounds. */
  public OptionSpec range(double min, double max) {
    return new OptionSpec(name, type, defaultValue, description, choices, min, max);
  }

  /** Whether the option must be given. */
  public boolean required() {
    return defaultValue == null;
  }

  /** A short description of what values are allowed, for error messages. */
  public String allowed() {
    return switch (type) {
      case CHOICE -> "one of " + String.join(", ", choices);
      case INTEGER, DOUBLE -> {
        String b = "";
        if (min > -1e300) {
          b += " >= " + fmt(min);
        }
        if (max < 1e300) {
          b += (b.isEmpty() ? " " : " and ") + "<= " + fmt(max);
        }
        yield "a " + type.word() + b;
      }
      default -> "a " + type.word();
    };
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}

package dev.heed.core.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One declared option of a provider.
 *
 * @param name the key in configs, lower_snake_case as PyTorch names it (for example {@code
 *     negative_slope})
 * @param type the value type
 * @param defaultValue the default ({@link Integer}, {@link Double}, {@link Boolean}, {@link
 *     String}, a {@code List<Double>} for {@link OptionType#NUMBERS}, a {@code List<String>} for
 *     {@link OptionType#STRINGS}, or the plugin's name for {@link OptionType#PLUGIN}), or {@code
 *     null} when the option is required or {@link #optional}
 * @param description one line
 * @param choices the allowed words for {@link OptionType#CHOICE}, else empty
 * @param min inclusive lower bound for numbers (each element of a list of numbers), or {@code -∞}
 * @param max inclusive upper bound for numbers (each element of a list of numbers), or {@code +∞}
 * @param length the exact number of elements of a {@link OptionType#NUMBERS} tuple, or 0 for a list
 *     of any length
 * @param kind the plugin kind word of a {@link OptionType#PLUGIN} option, else empty
 * @param nullable whether an option without a default may be left out (its value is then absent:
 *     {@link Options#has} is false)
 */
public record OptionSpec(
    String name,
    OptionType type,
    Object defaultValue,
    String description,
    List<String> choices,
    double min,
    double max,
    int length,
    String kind,
    boolean nullable) {

  /** Validates the declaration itself. */
  public OptionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(kind, "kind");
    choices = List.copyOf(choices);
    if (type == OptionType.CHOICE && choices.isEmpty()) {
      throw new IllegalArgumentException("option " + name + ": a choice needs its allowed words");
    }
    if (type == OptionType.PLUGIN && kind.isEmpty()) {
      throw new IllegalArgumentException("option " + name + ": a plugin option needs its kind");
    }
    if (defaultValue instanceof List<?> l) {
      defaultValue = List.copyOf(l);
    }
  }

  private static OptionSpec of(String name, OptionType type, Object d, String description) {
    return new OptionSpec(name, type, d, description, List.of(), -1e300, 1e300, 0, "", false);
  }

  /** An integer option with a default. */
  public static OptionSpec integer(String name, Integer defaultValue, String description) {
    return of(name, OptionType.INTEGER, defaultValue, description);
  }

  /** A number option with a default. */
  public static OptionSpec number(String name, Double defaultValue, String description) {
    return of(name, OptionType.DOUBLE, defaultValue, description);
  }

  /** A boolean option with a default. */
  public static OptionSpec bool(String name, boolean defaultValue, String description) {
    return new OptionSpec(
        name, OptionType.BOOLEAN, defaultValue, description, List.of(), 0, 0, 0, "", false);
  }

  /** A text option with a default. */
  public static OptionSpec string(String name, String defaultValue, String description) {
    return new OptionSpec(
        name, OptionType.STRING, defaultValue, description, List.of(), 0, 0, 0, "", false);
  }

  /** A choice among {@code choices}, defaulting to {@code defaultValue}. */
  public static OptionSpec choice(
      String name, String defaultValue, String description, String... choices) {
    return new OptionSpec(
        name, OptionType.CHOICE, defaultValue, description, List.of(choices), 0, 0, 0, "", false);
  }

  /**
   * A tuple of exactly {@code defaultValue.length} numbers (PyTorch's {@code betas=(0.9, 0.999)}),
   * written {@code [0.9, 0.999]} in configs.
   */
  public static OptionSpec tuple(String name, double[] defaultValue, String description) {
    return numbers(name, defaultValue, defaultValue.length, description);
  }

  /**
   * A list of numbers with a default (or null when required).
   *
   * @param length the exact number of elements, or 0 for any number (at least one)
   */
  public static OptionSpec numbers(
      String name, double[] defaultValue, int length, String description) {
    List<Double> d = null;
    if (defaultValue != null) {
      d = new ArrayList<>();
      for (double v : defaultValue) {
        d.add(v);
      }
    }
    return new OptionSpec(
        name, OptionType.NUMBERS, d, description, List.of(), -1e300, 1e300, length, "", false);
  }

  /** A list of texts with a default (or null when required). */
  public static OptionSpec strings(String name, List<String> defaultValue, String description) {
    return new OptionSpec(
        name, OptionType.STRINGS, defaultValue, description, List.of(), 0, 0, 0, "", false);
  }

  /**
   * Another plugin of kind {@code kind} (for example the {@code activation} of a block), given by
   * name or as {@code {name: …, <its options>}}.
   *
   * @param defaultName the default plugin's name, or null when required (or {@link #optional})
   */
  public static OptionSpec plugin(
      String name, String kind, String defaultName, String description) {
    return new OptionSpec(
        name, OptionType.PLUGIN, defaultName, description, List.of(), 0, 0, 0, kind, false);
  }

  /** This option with inclusive numeric bounds (for each element of a list of numbers). */
  public OptionSpec range(double min, double max) {
    return new OptionSpec(
        name, type, defaultValue, description, choices, min, max, length, kind, nullable);
  }

  /** This option, which may be left out without a default (then {@link Options#has} is false). */
  public OptionSpec optional() {
    return new OptionSpec(name, type, null, description, choices, min, max, length, kind, true);
  }

  /** Whether the option must be given. */
  public boolean required() {
    return defaultValue == null && !nullable;
  }

  /** A short description of what values are allowed, for error messages. */
  public String allowed() {
    return switch (type) {
      case CHOICE -> "one of " + String.join(", ", choices);
      case INTEGER, DOUBLE -> type.withArticle() + bounds();
      case NUMBERS ->
          (length > 0 ? "a list of " + length + " numbers" : "a list of numbers")
              + (bounds().isEmpty() ? "" : ", each" + bounds())
              + ", for example "
              + example();
      case PLUGIN -> "the " + kind + " by name, or {name: …, <its options>}";
      default -> type.withArticle();
    };
  }

  private String example() {
    if (defaultValue instanceof List<?> l && !l.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) {
        parts.add(fmt(((Number) o).doubleValue()));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    int n = Math.max(1, length);
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add(fmt(Math.max(min, Math.min(max, 1))));
    }
    return "[" + String.join(", ", parts) + "]";
  }

  private String bounds() {
    if (min == max) {
      return " equal to " + fmt(min);
    }
    String b = "";
    // an integer's own limits are no bounds worth stating
    boolean integer = type == OptionType.INTEGER;
    if (min > -1e300 && !(integer && min <= Integer.MIN_VALUE)) {
      b += " >= " + fmt(min);
    }
    if (max < 1e300 && !(integer && max >= Integer.MAX_VALUE)) {
      b += (b.isEmpty() ? " " : " and ") + "<= " + fmt(max);
    }
    return b;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}

package dev.heed.assembly.internal;

import java.util.List;

/** The type of one config key, as the validator checks it and the JSON Schema describes it. */
public sealed interface FieldType {

  /** Words for "expected ..." messages. */
  String expected();

  /** An integer in {@code [min, max]}. */
  record Int(long min, long max) implements FieldType {
    @Override
    public String expected() {
      return "an integer" + bounds(min, max, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
  }

  /** A number in {@code [min, max]} (integers accepted). */
  record Num(double min, double max) implements FieldType {
    @Override
    public String expected() {
      return "a number"
          + bounds(min, max, -Double.MAX_VALUE, Double.MAX_VALUE)
              .replace(".0 ", " ")
              .replaceAll("\\.0$", "");
    }
  }

  /** {@code true} or {@code false}. */
  record Bool() implements FieldType {
    @Override
    public String expected() {
      return "true or false";
    }
  }

  /** Text, optionally one of {@code choices}. */
  record Text(List<String> choices) implements FieldType {
    /** Copies. */
    public Text {
      choices = List.copyOf(choices);
    }

    @Override
    public String expected() {
      return choices.isEmpty() ? "text" : "one of " + String.join(", ", choices);
    }
  }

  /** A mapping with the keys of {@code section}. */
  record Obj(Section section) implements FieldType {
    @Override
    public String expected() {
      return "a mapping with keys " + String.join(", ", section.names());
    }
  }

  /** A list of {@code item}, at least {@code minSize} long. */
  record ListOf(FieldType item, int minSize) implements FieldType {
    @Override
    public String expected() {
      return "a list of " + item.expected() + (minSize > 0 ? " (at least " + minSize + ")" : "");
    }
  }

  /**
   * A plugin of {@code kind}: its name, or a mapping with {@code name} and the plugin's options.
   *
   * @param allowAuto whether the word {@code auto} is allowed (backends)
   */
  record Plugin(String kind, boolean allowAuto) implements FieldType {
    @Override
    public String expected() {
      String article = "aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ";
      return article + kind + " name" + (allowAuto ? " or auto" : "") + ", or {name: ..., options}";
    }
  }

  /** One layer: a mapping with {@code type} (a layer plugin's name) and that layer's options. */
  record LayerSpec() implements FieldType {
    @Override
    public String expected() {
      return "a mapping with 'type' (a layer name: dense, attention, …) and the layer's options";
    }
  }

  /**
   * The data section: a mapping with {@code type} (a data set plugin's name), the keys of {@code
   * section} that every data set has, and the data set's options.
   */
  record DataSpec(Section section) implements FieldType {
    @Override
    public String expected() {
      return "a mapping with 'type' (a data set name: csv, text, seed-regression, …) and the data"
          + " set's options";
    }
  }

  private static String bounds(double min, double max, double none, double noneMax) {
    String s = "";
    if (min > none && min > -1e300) {
      s += " >= " + fmt(min);
    }
    if (max < noneMax && max < 1e300) {
      s += (s.isEmpty() ? " " : " and ") + "<= " + fmt(max);
    }
    return s;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}

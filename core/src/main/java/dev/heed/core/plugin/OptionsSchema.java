package dev.heed.core.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The declared options of a provider, in declaration order. Immutable and thread-safe.
 *
 * @param options the declarations; names are unique
 */
public record OptionsSchema(List<OptionSpec> options) {

  /** Checks names are unique. */
  public OptionsSchema {
    options = List.copyOf(options);
    var seen = new java.util.HashSet<String>();
    for (OptionSpec o : options) {
      if (!seen.add(o.name())) {
        throw new IllegalArgumentException("option '" + o.name() + "' declared twice");
      }
    }
  }

  /** No options. */
  public static OptionsSchema empty() {
    return new OptionsSchema(List.of());
  }

  /** The given declarations. */
  public static OptionsSchema of(OptionSpec... options) {
    return new OptionsSchema(List.of(options));
  }

  /** The declaration of {@code name}, or null. */
  public OptionSpec find(String name) {
    for (OptionSpec o : options) {
      if (o.name().equals(name)) {
        return o;
      }
    }
    return null;
  }

  /** The defaults alone (fails when an option is required). */
  public Options defaults(String owner) {
    return resolve(owner, Map.of());
  }

  /**
   * Checks {@code raw} against the declarations and fills in defaults.
   *
   * @param owner what the options belong to, for messages (for example {@code activation 'elu'})
   * @param raw values by name: numbers, booleans or strings (strings are parsed for numbers and
   *     booleans, as a command line gives them)
   * @throws OptionsException naming the option, the value found and what is allowed; an unknown
   *     name gets a "did you mean" and the list of declared names
   */
  public Options resolve(String owner, Map<String, ?> raw) {
    List<String> names = new ArrayList<>();
    for (OptionSpec o : options) {
      names.add(o.name());
    }
    for (String key : raw.keySet()) {
      if (find(key) == null) {
        String msg =
            owner
                + " has no option '"
                + key
                + "'"
                + Suggestions.didYouMean(key, names)
                + (names.isEmpty()
                    ? "; it takes no options"
                    : "; its options are: " + String.join(", ", names));
        throw new OptionsException(key, msg);
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (OptionSpec o : options) {
      Object v = raw.get(o.name());
      if (v == null) {
        if (o.required()) {
          throw new OptionsException(
              o.name(),
              owner + " needs option '" + o.name() + "' (" + o.allowed() + "): " + o.description());
        }
        v = o.defaultValue();
      } else {
        v = convert(owner, o, v);
      }
      values.put(o.name(), v);
    }
    return new Options(values);
  }

  private static Object convert(String owner, OptionSpec o, Object v) {
    String where = owner + " option '" + o.name() + "'";
    Object result =
        switch (o.type()) {
          case INTEGER -> toInteger(v);
          case DOUBLE -> toDouble(v);
          case BOOLEAN -> toBoolean(v);
          case STRING -> v instanceof String s ? s : null;
          case CHOICE -> v instanceof String s && o.choices().contains(s) ? s : null;
        };
    if (result == null) {
      throw new OptionsException(
          o.name(), where + ": found " + describe(v) + ", expected " + o.allowed());
    }
    if (result instanceof Number n) {
      double d = n.doubleValue();
      if (d < o.min() || d > o.max() || Double.isNaN(d)) {
        throw new OptionsException(o.name(), where + ": found " + v + ", expected " + o.allowed());
      }
    }
    return result;
  }

  private static String describe(Object v) {
    return v instanceof String s
        ? "'" + s + "'"
        : String.valueOf(v)
            + " ("
            + v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
            + ")";
  }

  private static Integer toInteger(Object v) {
    if (v instanceof Integer i) {
      return i;
    }
    if (v instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    if (v instanceof String s) {
      try {
        return Integer.valueOf(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Double toDouble(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.valueOf(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static Boolean toBoolean(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      if (s.equalsIgnoreCase("true")) {
        return true;
      }
      if (s.equalsIgnoreCase("false")) {
        return false;
      }
    }
    return null;
  }
}

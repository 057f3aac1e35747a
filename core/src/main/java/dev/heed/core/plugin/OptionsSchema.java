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
   * Checks that {@code options} were resolved against this schema, as a factory does before it
   * reads them; it does not resolve them again.
   *
   * @return {@code options}
   * @throws IllegalArgumentException when they belong to another schema
   */
  public Options check(String owner, Options options) {
    if (options == null) {
      throw new NullPointerException(owner + ": the options are null");
    }
    if (options.schema() != this && !options.schema().equals(this)) {
      throw new IllegalArgumentException(
          owner
              + ": the options were resolved for "
              + options.owner()
              + ", not for this provider; resolve them with its options().resolve(...)");
    }
    return options;
  }

  /**
   * Checks {@code raw} against the declarations and fills in defaults; a plugin option is refused
   * unless given as a {@link Configured}.
   *
   * @see #resolve(String, Map, PluginResolver)
   */
  public Options resolve(String owner, Map<String, ?> raw) {
    return resolve(owner, raw, PluginResolver.NONE);
  }

  /**
   * {@code base} with {@code overrides} on top (as an optimizer's parameter group overrides its
   * options): only the overrides are checked and converted; the base values are kept as resolved.
   *
   * @throws OptionsException naming the override at fault
   */
  public Options override(String owner, Options base, Map<String, ?> overrides) {
    check(owner, base);
    Map<String, Object> values = new LinkedHashMap<>(base.asMap());
    unknownKeys(owner, overrides);
    for (var e : overrides.entrySet()) {
      if (e.getValue() != null) {
        values.put(e.getKey(), convert(owner, find(e.getKey()), e.getValue(), PluginResolver.NONE));
      }
    }
    return new Options(owner, this, values);
  }

  /**
   * Checks {@code raw} against the declarations and fills in defaults.
   *
   * @param owner what the options belong to, for messages (for example {@code activation 'elu'})
   * @param raw values by name: numbers, booleans, strings, lists, or for a plugin option a name, a
   *     map of {@code name} and options, or a {@link Configured} (strings are parsed for numbers
   *     and booleans, as a command line gives them; a list of numbers may also be given as the text
   *     {@code "0.9,0.999"})
   * @param plugins resolves plugin options (the nested plugin's options are resolved there, once)
   * @throws OptionsException naming the option, the value found and what is allowed; an unknown
   *     name gets a "did you mean" and the list of declared names; for a nested plugin the option
   *     is the dotted path ({@code unit.num_heads})
   */
  public Options resolve(String owner, Map<String, ?> raw, PluginResolver plugins) {
    unknownKeys(owner, raw);
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
        if (v == null) {
          continue;
        }
        if (o.type() == OptionType.PLUGIN) {
          v = convert(owner, o, v, plugins);
        }
      } else {
        v = convert(owner, o, v, plugins);
      }
      values.put(o.name(), v);
    }
    return new Options(owner, this, values);
  }

  private void unknownKeys(String owner, Map<String, ?> raw) {
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
  }

  private static Object convert(String owner, OptionSpec o, Object v, PluginResolver plugins) {
    String where = owner + " option '" + o.name() + "'";
    if (o.type() == OptionType.PLUGIN) {
      return plugin(where, o, v, plugins);
    }
    Object result =
        switch (o.type()) {
          case INTEGER -> toInteger(v);
          case DOUBLE -> toDouble(v);
          case BOOLEAN -> toBoolean(v);
          case STRING -> v instanceof String s ? s : null;
          case CHOICE -> v instanceof String s && o.choices().contains(s) ? s : null;
          case NUMBERS -> toNumbers(o, v);
          case STRINGS -> toStrings(v);
          case PLUGIN -> throw new AssertionError();
        };
    if (result == null) {
      throw new OptionsException(
          o.name(),
          where
              + ": found "
              + describe(v)
              + (o.type() == OptionType.CHOICE && v instanceof String s
                  ? Suggestions.didYouMean(s, o.choices())
                  : "")
              + ", expected "
              + o.allowed());
    }
    if (result instanceof Number n) {
      double d = n.doubleValue();
      if (d < o.min() || d > o.max() || Double.isNaN(d)) {
        throw new OptionsException(
            o.name(), where + ": found " + describe(v) + ", expected " + o.allowed());
      }
    }
    return result;
  }

  private static Configured<?> plugin(
      String where, OptionSpec o, Object v, PluginResolver plugins) {
    if (v instanceof Configured<?> c) {
      if (!c.kind().equals(o.kind())) {
        throw new OptionsException(
            o.name(),
            where + ": found the " + c.kind() + " '" + c.name() + "', expected " + o.allowed());
      }
      return c;
    }
    if (!(v instanceof String) && !(v instanceof Map<?, ?>)) {
      throw new OptionsException(
          o.name(), where + ": found " + describe(v) + ", expected " + o.allowed());
    }
    try {
      return plugins.resolve(o.kind(), v, where);
    } catch (OptionsException e) {
      String inner = e.option() == null || e.option().isEmpty() ? "" : "." + e.option();
      throw new OptionsException(o.name() + inner, e.getMessage());
    } catch (UnknownPluginException e) {
      throw new OptionsException(
          v instanceof Map<?, ?> ? o.name() + ".name" : o.name(), where + ": " + e.getMessage());
    }
  }

  private static String describe(Object v) {
    return v instanceof String s
        ? "'" + s + "'"
        : String.valueOf(v)
            + " ("
            + switch (v) {
              case Integer i -> "integer";
              case Long l -> "integer";
              case Double d -> "number";
              case Float f -> "number";
              case Boolean b -> "boolean";
              case List<?> l -> "a list";
              case Map<?, ?> m -> "a mapping";
              default -> v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            }
            + ")";
  }

  private static List<Double> toNumbers(OptionSpec o, Object v) {
    List<?> items;
    if (v instanceof List<?> l) {
      items = l;
    } else if (v instanceof String s) {
      // the comma-separated spelling of a tuple ("0.9,0.999"), as earlier configs wrote it
      items = List.of(s.split(",", -1));
    } else if (v instanceof double[] a) {
      List<Object> l = new ArrayList<>();
      for (double d : a) {
        l.add(d);
      }
      items = l;
    } else {
      return null;
    }
    if (items.isEmpty() || (o.length() > 0 && items.size() != o.length())) {
      return null;
    }
    List<Double> out = new ArrayList<>();
    for (Object item : items) {
      Double d = item instanceof Boolean ? null : toDouble(item);
      if (d == null || d.isNaN() || d < o.min() || d > o.max()) {
        return null;
      }
      out.add(d);
    }
    return List.copyOf(out);
  }

  private static List<String> toStrings(Object v) {
    if (!(v instanceof List<?> l)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (Object item : l) {
      if (!(item instanceof String s)) {
        return null;
      }
      out.add(s);
    }
    return List.copyOf(out);
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

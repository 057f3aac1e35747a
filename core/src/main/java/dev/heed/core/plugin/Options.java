package dev.heed.core.plugin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Resolved option values of one provider: every declared option present, typed and in range. Made
 * by {@link OptionsSchema#resolve}. Immutable and thread-safe.
 */
public final class Options {
  private final Map<String, Object> values;

  Options(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Options for a provider without any. */
  public static Options none() {
    return new Options(Map.of());
  }

  /** Every value by name, in declaration order. */
  public Map<String, Object> asMap() {
    return values;
  }

  /** The integer option {@code name}. */
  public int getInt(String name) {
    return ((Number) get(name)).intValue();
  }

  /** The number option {@code name}. */
  public double getDouble(String name) {
    return ((Number) get(name)).doubleValue();
  }

  /** The boolean option {@code name}. */
  public boolean getBoolean(String name) {
    return (Boolean) get(name);
  }

  /** The text or choice option {@code name}. */
  public String getString(String name) {
    return (String) get(name);
  }

  private Object get(String name) {
    Object v = values.get(name);
    if (v == null) {
      throw new NoSuchElementException("no option '" + name + "'; declared: " + values.keySet());
    }
    return v;
  }

  @Override
  public String toString() {
    return values.toString();
  }
}

package dev.heed.core.plugin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Resolved option values of one provider: every declared option present (or, when declared {@link
 * OptionSpec#optional()}, absent), typed and in range. Only {@link OptionsSchema#resolve} makes
 * them, so holding an {@code Options} means holding values its schema accepted; {@link #schema()}
 * says which. Immutable and thread-safe.
 *
 * <p>Values are {@link Integer}, {@link Double}, {@link Boolean}, {@link String}, an unmodifiable
 * {@code List<Double>} (numbers) or {@code List<String>} (texts), or a {@link Configured} (another
 * plugin with its own resolved options).
 */
public final class Options {
  private final String owner;
  private final OptionsSchema schema;
  private final Map<String, Object> values;

  Options(String owner, OptionsSchema schema, Map<String, Object> values) {
    this.owner = owner;
    this.schema = schema;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** What the options belong to, for messages (for example {@code optimizer 'adam'}). */
  public String owner() {
    return owner;
  }

  /** The schema that resolved these options. */
  public OptionsSchema schema() {
    return schema;
  }

  /** Every value by name, in declaration order (an absent optional option is left out). */
  public Map<String, Object> asMap() {
    return values;
  }

  /** Whether option {@code name} has a value (false only for an absent optional option). */
  public boolean has(String name) {
    return values.containsKey(name);
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

  /** The list-of-numbers option {@code name}, as a new array. */
  public double[] getNumbers(String name) {
    List<?> l = (List<?>) get(name);
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) l.get(i)).doubleValue();
    }
    return out;
  }

  /** The list-of-texts option {@code name}. */
  @SuppressWarnings("unchecked")
  public List<String> getStrings(String name) {
    return (List<String>) get(name);
  }

  /**
   * The plugin option {@code name}: the provider with its resolved options, or null when the option
   * is optional and absent.
   */
  public <P extends Provider> Configured<P> getPlugin(String name, Class<P> type) {
    Object v = values.get(name);
    if (v == null) {
      if (schema.find(name) == null) {
        get(name);
      }
      return null;
    }
    return ((Configured<?>) v).as(type);
  }

  private Object get(String name) {
    Object v = values.get(name);
    if (v == null) {
      throw new NoSuchElementException(
          owner
              + ": no value for option '"
              + name
              + "'"
              + (schema.find(name) == null
                  ? "; declared: " + values.keySet()
                  : " (it is optional)"));
    }
    return v;
  }

  /** Equal when resolved by equal schemas to equal values (the owner is only for messages). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Options other && schema.equals(other.schema) && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }
}

package dev.heed.assembly.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A plugin named in a config, with its options checked against the provider's schema and completed
 * with defaults.
 *
 * @param kind the plugin kind ({@code backend}, {@code activation}, …)
 * @param name the provider's canonical name (or {@code auto} for a backend)
 * @param options every declared option, by name, in declaration order
 */
public record PluginRef(String kind, String name, Map<String, Object> options) {

  /** Copies preserving order. */
  public PluginRef {
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /** The YAML/JSON form: {@code {name: ..., option: value, ...}}. */
  public Map<String, Object> toTree() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.putAll(options);
    return m;
  }
}

package dev.heed.assembly.config;

import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A plugin named in a config, with its options resolved once, against the provider's schema, when
 * the config was loaded: the assembly hands these very options to the provider's factory.
 *
 * @param kind the plugin kind ({@code backend}, {@code activation}, …)
 * @param name the provider's canonical name (or {@code auto} for a backend)
 * @param options its resolved options (none for {@code auto})
 */
public record PluginRef(String kind, String name, Options options) {

  /** Null checks. */
  public PluginRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(options, "options");
  }

  /** The reference of a resolved plugin. */
  public static PluginRef of(Configured<?> c) {
    return new PluginRef(c.kind(), c.name(), c.options());
  }

  /** {@code backend: auto}, which has no options. */
  public static PluginRef auto(String kind) {
    return new PluginRef(kind, "auto", OptionsSchema.empty().defaults(kind + " 'auto'"));
  }

  /** The YAML/JSON form: {@code {name: ..., option: value, ...}} with nested plugins as trees. */
  public Map<String, Object> toTree() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    options.asMap().forEach((k, v) -> m.put(k, v instanceof Configured<?> c ? c.toTree() : v));
    return m;
  }
}

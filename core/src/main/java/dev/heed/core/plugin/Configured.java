package dev.heed.core.plugin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A plugin named in a configuration: the provider and its options, resolved once against the
 * provider's schema. This is what a factory receives for a nested plugin (the attention unit of a
 * layer, the activation of a feed-forward block). Immutable.
 *
 * @param kind the kind word, for example {@code activation}
 * @param provider the provider
 * @param options its resolved options
 * @param <P> the provider interface of the kind
 */
public record Configured<P extends Provider>(String kind, P provider, Options options) {

  /**
   * Null checks. The options are those the provider's schema resolved ({@link Registry#configure});
   * its factory checks them again ({@link OptionsSchema#check}).
   */
  public Configured {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(options, "options");
  }

  /** The provider's name. */
  public String name() {
    return provider.name();
  }

  /** This reference as the configuration spells it: the name alone, or the name with options. */
  public Object toTree() {
    if (options.asMap().isEmpty()) {
      return name();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name());
    options.asMap().forEach((k, v) -> m.put(k, v instanceof Configured<?> c ? c.toTree() : v));
    return m;
  }

  /** This reference as {@code P}, checked. */
  @SuppressWarnings("unchecked")
  public <Q extends Provider> Configured<Q> as(Class<Q> type) {
    if (!type.isInstance(provider)) {
      throw new IllegalArgumentException(
          kind + " '" + name() + "' is a " + provider.getClass().getName() + ", not a " + type);
    }
    return (Configured<Q>) this;
  }

  @Override
  public String toString() {
    return kind + " '" + name() + "' " + options;
  }
}

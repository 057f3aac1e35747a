package dev.heed.core.plugin;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One kind of plugin: its word, its service interface and the testkit contract that checks its
 * providers. {@link dev.heed.core.PluginKinds} declares every kind once; the registry, {@code heed
 * plugins}, the config's JSON Schema, the Guice module and the config validator all derive from
 * that table. Immutable.
 *
 * @param word the kind as configs and {@code heed plugins --kind} spell it ({@code activation})
 * @param plural the heading of its listing ({@code activations}, {@code losses})
 * @param type the service interface its providers implement
 * @param contract the fully qualified name of the testkit contract a provider's test extends, or
 *     empty when the kind has none yet
 * @param description one line: what a provider of the kind makes
 * @param knownArtifacts names Heed knows, mapped to the Maven artifact that provides each (for the
 *     "add it to the path" hint)
 * @param <P> the provider interface
 */
public record PluginKind<P extends Provider>(
    String word,
    String plural,
    Class<P> type,
    String contract,
    String description,
    Map<String, String> knownArtifacts) {

  /** Null checks and a copy of the artifacts, keyed by normalised name. */
  public PluginKind {
    Objects.requireNonNull(word, "word");
    Objects.requireNonNull(plural, "plural");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(description, "description");
    Map<String, String> m = new java.util.HashMap<>();
    knownArtifacts.forEach(
        (k, v) -> m.put(k.toLowerCase(Locale.ROOT).replace("-", "").replace("_", ""), v));
    knownArtifacts = Map.copyOf(m);
  }

  @Override
  public String toString() {
    return word;
  }
}

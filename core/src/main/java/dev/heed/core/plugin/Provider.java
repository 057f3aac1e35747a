package dev.heed.core.plugin;

import java.util.List;

/**
 * What every plugin provider has in common, whatever its kind. Each kind adds its own typed factory
 * method ({@code create(...)}).
 *
 * <p>Constructing a provider must be cheap and side-effect free: the registry instantiates every
 * provider on the path just to read its name. Providers are immutable and thread-safe.
 */
public interface Provider {

  /** The name configs use, lower-case with hyphens (for example {@code leaky-relu}). */
  String name();

  /** Other spellings that also resolve to this provider (for example {@code LeakyReLU}). */
  default List<String> aliases() {
    return List.of();
  }

  /** One line saying what this provider does. */
  default String description() {
    return "";
  }

  /**
   * Preference among providers of one kind when a choice is automatic (the backend {@code auto});
   * higher wins. The reference CPU backend has 0.
   */
  default int priority() {
    return 0;
  }

  /** Whether this provider can work here; a cheap probe, called at most once per registry. */
  default Availability availability() {
    return Availability.available();
  }

  /** The options the factory accepts, with types, defaults and descriptions. */
  default OptionsSchema options() {
    return OptionsSchema.empty();
  }
}

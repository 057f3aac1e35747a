package dev.heed.core.plugin;

import java.util.List;

/**
 * What the registry knows about one provider, for listings such as {@code heed plugins}.
 *
 * @param kind the plugin kind, for example {@code backend}
 * @param name the provider name
 * @param aliases other accepted spellings
 * @param description one line
 * @param module the JPMS module name, or {@code (class path)} for the unnamed module
 * @param version the module or jar version, or {@code unknown}
 * @param location the jar or directory the provider class was loaded from, or {@code unknown}
 * @param providerClass the fully qualified provider class name
 * @param priority the provider's priority
 * @param availability whether it can work here, and why not
 * @param options the declared options
 */
public record ProviderInfo(
    String kind,
    String name,
    List<String> aliases,
    String description,
    String module,
    String version,
    String location,
    String providerClass,
    int priority,
    Availability availability,
    OptionsSchema options) {

  /** Defensive copy. */
  public ProviderInfo {
    aliases = List.copyOf(aliases);
  }

  /** {@code module version (location)}, for messages. */
  public String origin() {
    return module + " " + version + " (" + location + ")";
  }
}

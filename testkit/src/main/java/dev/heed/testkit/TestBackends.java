package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.plugin.ProviderInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backends the contracts run on, opened once per JVM and shared by every test: the reference
 * {@code cpu} backend (the oracle) and every other backend that is available on this machine.
 *
 * <p>Backends are found through {@link Plugins#shared()} and opened with their default options.
 * They stay open until the JVM exits, so tests must not close them. Thread-safe.
 */
public final class TestBackends {
  /** Provider name of the reference backend. */
  public static final String REFERENCE = "cpu";

  private static final Map<String, Backend> OPEN = new ConcurrentHashMap<>();

  private TestBackends() {}

  /**
   * The reference backend, which defines every kernel and supports {@code FLOAT64}.
   *
   * @throws dev.heed.core.plugin.PluginException when {@code heed-backend-cpu} is not on the path
   */
  public static Backend reference() {
    return open(REFERENCE);
  }

  /**
   * The backend named {@code name}, opened with its default options on first use.
   *
   * @throws dev.heed.core.plugin.PluginException when it is unknown or unavailable here
   * @throws dev.heed.core.backend.BackendException when the device cannot be opened
   */
  public static Backend open(String name) {
    BackendProvider provider = Plugins.shared().backends().getAvailable(name);
    return OPEN.computeIfAbsent(
        provider.name(), n -> provider.create(provider.options().defaults("backend '" + n + "'")));
  }

  /**
   * Names of every backend provider on the path that reports itself available here, the reference
   * included, in registry order (priority, then name).
   */
  public static List<String> availableNames() {
    List<String> names = new ArrayList<>();
    for (ProviderInfo info : Plugins.shared().backends().infos()) {
      if (info.availability().isAvailable()) {
        names.add(info.name());
      }
    }
    return names;
  }
}

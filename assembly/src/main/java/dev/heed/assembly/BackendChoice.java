package dev.heed.assembly;

import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.Origin;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.plugin.Availability;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.PluginException;
import dev.heed.core.plugin.Registry;
import dev.heed.core.plugin.UnknownPluginException;
import java.util.ArrayList;
import java.util.List;

/**
 * The backend a config (or {@code --backend}) asks for, and why. {@code auto} takes the
 * highest-priority available backend and notes why each other one was passed over. A backend asked
 * for by name that is not available here is an error, never a silent fallback.
 *
 * @param provider the chosen provider
 * @param options its options
 * @param notes what was decided and why
 */
public record BackendChoice(BackendProvider provider, Options options, List<String> notes) {

  /** Copies. */
  public BackendChoice {
    notes = List.copyOf(notes);
  }

  /**
   * Chooses among {@code backends}.
   *
   * @param override a backend name that replaces the config's ({@code --backend}), or null
   * @throws ConfigException naming the config line (or the override) when the name is unknown or
   *     the backend is not available, or when {@code auto} finds none
   */
  public static BackendChoice choose(
      Registry<BackendProvider> backends, HeedConfig config, String override) {
    String name = override != null ? override : config.backend().name();
    Origin where =
        override != null ? Origin.argument("--backend " + override) : config.origin("backend");
    String path = override != null ? "" : "backend";
    if (name.equals("auto")) {
      try {
        Registry.AutoChoice<BackendProvider> c = backends.chooseAuto();
        BackendProvider p = c.chosen();
        return new BackendChoice(p, p.options().defaults("backend '" + p.name() + "'"), c.notes());
      } catch (PluginException e) {
        throw new ConfigException(where, path, e.getMessage(), e);
      }
    }
    BackendProvider p;
    try {
      p = backends.get(name);
    } catch (UnknownPluginException e) {
      throw new ConfigException(
          where, path, e.getMessage() + "; or use auto for the best available backend", e);
    }
    Availability a = backends.info(name).orElseThrow().availability();
    if (!a.isAvailable()) {
      List<String> available = new ArrayList<>();
      for (var info : backends.infos()) {
        if (info.availability().isAvailable()) {
          available.add(info.name());
        }
      }
      throw new ConfigException(
          where,
          path,
          "found backend '"
              + p.name()
              + "', which is not available here: "
              + a.reason()
              + "; a backend asked for by name is never replaced by another: expected an available"
              + " one ("
              + (available.isEmpty() ? "none is" : String.join(", ", available))
              + ") or auto");
    }
    // the config's options were resolved once when it was loaded; another backend (an override,
    // or auto's choice) takes its defaults
    Options o;
    try {
      o =
          p.name().equals(config.backend().name())
              ? config.backend().options()
              : p.options().defaults("backend '" + p.name() + "'");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where, path, e.getMessage(), e);
    }
    return new BackendChoice(
        p,
        o,
        List.of(
            "using backend '"
                + p.name()
                + "' as "
                + (override != null ? "--backend asks" : "the config asks")));
  }
}

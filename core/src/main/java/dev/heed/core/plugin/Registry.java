package dev.heed.core.plugin;

import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The providers of one plugin kind found with {@link ServiceLoader}, in a deterministic order
 * (priority descending, then name). Immutable and thread-safe once built.
 *
 * <p>Names are matched exactly first, then ignoring case, hyphens and underscores, so {@code
 * LeakyReLU}, {@code leaky_relu} and {@code leakyrelu} all find {@code leaky-relu}. Two providers
 * answering to one name are an error that names both modules and jars.
 *
 * @param <P> the provider interface of the kind
 */
public final class Registry<P extends Provider> {
  private final String kind;
  private final List<P> providers;
  private final List<ProviderInfo> infos;
  private final Map<String, Integer> byName;
  private final Map<String, String> knownArtifacts;
  private final Map<String, String> clashes;

  private Registry(String kind, List<P> providers, Map<String, String> knownArtifacts) {
    this.kind = kind;
    this.knownArtifacts = Map.copyOf(knownArtifacts);
    List<P> sorted = new ArrayList<>(providers);
    sorted.sort(Comparator.comparingInt((P p) -> -p.priority()).thenComparing(Provider::name));
    this.providers = List.copyOf(sorted);
    List<ProviderInfo> list = new ArrayList<>();
    for (P p : sorted) {
      list.add(describe(kind, p));
    }
    this.infos = List.copyOf(list);
    Map<String, Integer> names = new LinkedHashMap<>();
    Map<String, String> clashes = new LinkedHashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      P p = sorted.get(i);
      List<String> keys = new ArrayList<>();
      keys.add(p.name());
      keys.addAll(p.aliases());
      for (String key : keys) {
        String k = normalize(key);
        Integer other = names.get(k);
        if (other != null && other != i) {
          ProviderInfo a = infos.get(other);
          ProviderInfo b = infos.get(i);
          clashes.merge(
              k,
              "two "
                  + kind
                  + " providers answer to the name '"
                  + key
                  + "': '"
                  + a.name()
                  + "' ("
                  + a.providerClass()
                  + " in "
                  + a.origin()
                  + ") and '"
                  + b.name()
                  + "' ("
                  + b.providerClass()
                  + " in "
                  + b.origin()
                  + "); remove one of the jars from the path",
              (x, y) -> x + "; " + y);
          continue;
        }
        names.put(k, i);
      }
    }
    this.clashes = Collections.unmodifiableMap(clashes);
    this.byName = Collections.unmodifiableMap(names);
  }

  /**
   * Builds a registry from the providers a {@link ServiceLoader} finds. The same provider class
   * found twice from the same location (module path and class path registrations of one jar) counts
   * once.
   *
   * @param kind the kind word, for example {@code activation}
   * @param loader the service loader, created by the caller (whose module declares {@code uses})
   * @param knownArtifacts names Heed knows, mapped to the Maven artifact that provides each, for
   *     the "add it to the path" hint
   * @throws PluginException when a provider cannot be instantiated (two providers sharing a name
   *     are not an error here: see {@link #warnings()})
   */
  public static <P extends Provider> Registry<P> load(
      String kind, ServiceLoader<P> loader, Map<String, String> knownArtifacts) {
    List<P> found = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    var it = loader.stream().iterator();
    while (true) {
      ServiceLoader.Provider<P> sp;
      try {
        if (!it.hasNext()) {
          break;
        }
        sp = it.next();
      } catch (ServiceConfigurationError e) {
        throw new PluginException(
            "a " + kind + " plugin on the path is broken: " + e.getMessage(), e);
      }
      String identity = sp.type().getName() + "@" + location(sp.type());
      if (seen.contains(identity)) {
        continue;
      }
      seen.add(identity);
      try {
        found.add(sp.get());
      } catch (ServiceConfigurationError | RuntimeException e) {
        throw new PluginException(
            "the "
                + kind
                + " provider "
                + sp.type().getName()
                + " from "
                + location(sp.type())
                + " could not be created: "
                + e.getMessage(),
            e);
      }
    }
    return new Registry<>(kind, found, knownArtifacts);
  }

  /** A registry of the given providers, for tests and embedding. */
  public static <P extends Provider> Registry<P> of(String kind, List<P> providers) {
    return new Registry<>(kind, providers, Map.of());
  }

  /** The kind word, for example {@code activation}. */
  public String kind() {
    return kind;
  }

  /** Every provider, in registry order. */
  public List<P> all() {
    return providers;
  }

  /** Descriptions of every provider, in registry order. */
  public List<ProviderInfo> infos() {
    return infos;
  }

  /** Provider names in registry order. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (P p : providers) {
      names.add(p.name());
    }
    return names;
  }

  /**
   * One line per name that two providers answer to. Such a name fails only where it is used ({@link
   * #find}, {@link #get}); the other names of the kind work.
   */
  public List<String> warnings() {
    return List.copyOf(clashes.values());
  }

  /**
   * The provider answering to {@code name}, if any.
   *
   * @throws PluginException when two providers answer to it (naming both jars)
   */
  public Optional<P> find(String name) {
    String clash = clashes.get(normalize(name));
    if (clash != null) {
      throw new PluginException(clash);
    }
    Integer i = byName.get(normalize(name));
    return i == null ? Optional.empty() : Optional.of(providers.get(i));
  }

  /**
   * The provider {@code spec} names with its options resolved, once: {@code spec} is a name, a map
   * of {@code name} and the options, or a {@link Configured} of this kind (returned as is).
   *
   * @param owner what the reference belongs to, for messages
   * @param plugins resolves plugin options among the options
   * @throws UnknownPluginException when the name is unknown
   * @throws OptionsException naming the option at fault ({@code name} when it is missing)
   */
  public Configured<P> configure(Object spec, String owner, PluginResolver plugins) {
    if (spec instanceof Configured<?> c && c.kind().equals(kind)) {
      @SuppressWarnings("unchecked")
      Configured<P> same = (Configured<P>) c;
      return same;
    }
    String name;
    Map<String, Object> raw = new LinkedHashMap<>();
    if (spec instanceof String s) {
      name = s;
    } else if (spec instanceof Map<?, ?> m) {
      if (!(m.get("name") instanceof String s)) {
        throw new OptionsException(
            "name",
            owner
                + ": "
                + (m.get("name") == null ? "missing" : "found " + m.get("name"))
                + ", expected the "
                + kind
                + " name ("
                + (names().isEmpty() ? "none found on the path" : String.join(", ", names()))
                + ")");
      }
      name = s;
      m.forEach((k, v) -> {
        if (!"name".equals(k)) {
          raw.put(String.valueOf(k), v);
        }
      });
    } else {
      throw new OptionsException(
          "", owner + ": found " + spec + ", expected the " + kind + " by name or {name: …}");
    }
    P p = get(name);
    Options o = p.options().resolve(kind + " '" + p.name() + "'", raw, plugins);
    return new Configured<>(kind, p, o);
  }

  /** The provider answering to {@code name} with its default options. */
  public Configured<P> configure(String name) {
    return configure(name, kind + " '" + name + "'", PluginResolver.NONE);
  }

  /** The description of the provider answering to {@code name}, if any. */
  public Optional<ProviderInfo> info(String name) {
    Integer i = byName.get(normalize(name));
    return i == null ? Optional.empty() : Optional.of(infos.get(i));
  }

  /**
   * The provider answering to {@code name}.
   *
   * @throws UnknownPluginException listing the available names, the closest one, and the artifact
   *     that provides the name when Heed knows it
   */
  public P get(String name) {
    return find(name).orElseThrow(() -> unknown(name));
  }

  /**
   * The provider answering to {@code name}, checked to be available here.
   *
   * @throws PluginException when it is unknown, or known but unavailable (with the reason)
   */
  public P getAvailable(String name) {
    P p = get(name);
    Availability a = info(name).orElseThrow().availability();
    if (!a.isAvailable()) {
      throw new PluginException(kind + " '" + p.name() + "' is not available here: " + a.reason());
    }
    return p;
  }

  /**
   * The highest-priority available provider, with one line per provider that was passed over and
   * why.
   *
   * @throws PluginException when none is available
   */
  public AutoChoice<P> chooseAuto() {
    List<String> notes = new ArrayList<>();
    P chosen = null;
    for (int i = 0; i < providers.size(); i++) {
      ProviderInfo info = infos.get(i);
      if (chosen == null && info.availability().isAvailable()) {
        chosen = providers.get(i);
        notes.add(
            "chose "
                + kind
                + " '"
                + info.name()
                + "' (priority "
                + info.priority()
                + ", highest available)");
      } else if (!info.availability().isAvailable()) {
        notes.add("skipped " + kind + " '" + info.name() + "': " + info.availability().reason());
      } else {
        notes.add(
            "skipped " + kind + " '" + info.name() + "': lower priority (" + info.priority() + ")");
      }
    }
    if (chosen == null) {
      throw new PluginException(
          "no "
              + kind
              + " is available"
              + (notes.isEmpty()
                  ? "; none was found on the path"
                  : ": " + String.join("; ", notes)));
    }
    return new AutoChoice<>(chosen, notes);
  }

  /**
   * The outcome of {@link #chooseAuto()}.
   *
   * @param chosen the provider taken
   * @param notes one line for the choice and one for each provider passed over
   * @param <P> the provider interface
   */
  public record AutoChoice<P extends Provider>(P chosen, List<String> notes) {}

  private UnknownPluginException unknown(String name) {
    List<String> candidates = new ArrayList<>(names());
    for (P p : providers) {
      candidates.addAll(p.aliases());
    }
    String suggestion = Suggestions.closest(name, candidates);
    if (suggestion != null) {
      suggestion = find(suggestion).map(Provider::name).orElse(suggestion);
    }
    String artifact = knownArtifacts.get(normalize(name));
    return new UnknownPluginException(kind, name, names(), suggestion, artifact);
  }

  private static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** Builds the description of a provider: its module, version and jar. */
  public static ProviderInfo describe(String kind, Provider p) {
    Class<?> type = p.getClass();
    Module module = type.getModule();
    String moduleName = module.isNamed() ? module.getName() : "(class path)";
    String version =
        module.isNamed()
            ? module.getDescriptor() == null
                ? "unknown"
                : module.getDescriptor().rawVersion().orElse(null)
            : null;
    if (version == null) {
      Package pkg = type.getPackage();
      version =
          pkg == null || pkg.getImplementationVersion() == null
              ? "unknown"
              : pkg.getImplementationVersion();
    }
    Availability availability;
    try {
      availability = p.availability();
    } catch (RuntimeException e) {
      availability = Availability.unavailable("its availability probe failed: " + e);
    }
    return new ProviderInfo(
        kind,
        p.name(),
        p.aliases(),
        p.description(),
        moduleName,
        version,
        location(type),
        type.getName(),
        p.priority(),
        availability,
        p.options());
  }

  private static String location(Class<?> type) {
    CodeSource cs = type.getProtectionDomain().getCodeSource();
    URL url = cs == null ? null : cs.getLocation();
    return url == null ? "unknown" : url.toString();
  }
}

package dev.heed.assembly.api;

import dev.heed.core.PluginKinds;
import dev.heed.core.Plugins;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.PluginKind;
import dev.heed.core.plugin.PluginResolver;
import dev.heed.core.plugin.Provider;
import dev.heed.core.plugin.Registry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plugin registries a config is validated and assembled against, one per kind of {@link
 * PluginKinds#ALL}: normally {@link Plugins#shared()}, and in tests or embedding any registries
 * (for example {@link Registry#of} with a fake backend). It resolves plugins named inside other
 * plugins' options ({@link PluginResolver}). Immutable.
 *
 * @param registries the registry of every kind, in {@link PluginKinds#ALL} order
 */
public record PluginSet(Map<PluginKind<?>, Registry<?>> registries) implements PluginResolver {

  /** Checks that every kind has a registry; copies. */
  public PluginSet {
    Map<PluginKind<?>, Registry<?>> m = new LinkedHashMap<>();
    for (PluginKind<?> kind : PluginKinds.ALL) {
      Registry<?> r = registries.get(kind);
      m.put(kind, r == null ? Registry.of(kind.word(), java.util.List.of()) : r);
    }
    registries = Collections.unmodifiableMap(m);
  }

  /** The registries of {@code plugins}. */
  public static PluginSet of(Plugins plugins) {
    return new PluginSet(plugins.registries());
  }

  /** The registries of {@link Plugins#shared()}. */
  public static PluginSet shared() {
    return of(Plugins.shared());
  }

  /** This set with {@code other} as the registry of its kind. */
  public <P extends Provider> PluginSet with(PluginKind<P> kind, Registry<P> other) {
    Map<PluginKind<?>, Registry<?>> m = new LinkedHashMap<>(registries);
    m.put(kind, other);
    return new PluginSet(m);
  }

  /** This set with other backends. */
  public PluginSet withBackends(Registry<BackendProvider> other) {
    return with(PluginKinds.BACKEND, other);
  }

  /** The registry of {@code kind}. */
  @SuppressWarnings("unchecked")
  public <P extends Provider> Registry<P> get(PluginKind<P> kind) {
    return (Registry<P>) registries.get(kind);
  }

  /** Compute backends. */
  public Registry<BackendProvider> backends() {
    return get(PluginKinds.BACKEND);
  }

  /** Layers. */
  public Registry<LayerProvider> layers() {
    return get(PluginKinds.LAYER);
  }

  /** Data sets. */
  public Registry<DatasetProvider> datasets() {
    return get(PluginKinds.DATASET);
  }

  /** The registry of a kind word ({@code backend}, {@code activation}, {@code attention}, …). */
  public Registry<?> registry(String kind) {
    return registries.get(PluginKinds.of(kind));
  }

  @Override
  public Configured<?> resolve(String kind, Object spec, String owner) {
    return registry(kind).configure(spec, owner, this);
  }
}

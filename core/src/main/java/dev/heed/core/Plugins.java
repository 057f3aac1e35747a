package dev.heed.core;

import dev.heed.core.backend.BackendProvider;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.PluginKind;
import dev.heed.core.plugin.PluginResolver;
import dev.heed.core.plugin.Provider;
import dev.heed.core.plugin.ProviderInfo;
import dev.heed.core.plugin.Registry;
import dev.heed.core.text.TokenizerProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Every plugin found on the path, one {@link Registry} per kind of {@link PluginKinds#ALL}. This is
 * the one place that runs {@link ServiceLoader}. It resolves plugin options ({@link
 * PluginResolver}): a plugin named inside another's options is found here and its options resolved
 * once. Immutable and thread-safe once built.
 *
 * <pre>{@code
 * Plugins plugins = Plugins.discover();
 * Backend cpu = plugins.backends().configure("cpu").provider().create(...);
 * }</pre>
 */
public final class Plugins implements PluginResolver {
  /** Kind words, as configs and {@code heed plugins --kind} spell them, from the kinds table. */
  public static final List<String> KINDS = PluginKinds.words();

  private static volatile Plugins shared;

  private final Map<PluginKind<?>, Registry<?>> registries;

  private Plugins(ClassLoader loader) {
    Map<PluginKind<?>, Registry<?>> m = new LinkedHashMap<>();
    for (PluginKind<?> kind : PluginKinds.ALL) {
      m.put(kind, load(kind, loader));
    }
    registries = java.util.Collections.unmodifiableMap(m);
  }

  private static <P extends Provider> Registry<P> load(PluginKind<P> kind, ClassLoader loader) {
    return Registry.load(
        kind.word(), ServiceLoader.load(kind.type(), loader), kind.knownArtifacts());
  }

  /**
   * Finds the plugins visible to the thread's context class loader: every module on the module path
   * that {@code provides} a Heed service, and every jar on the class path with a {@code
   * META-INF/services} entry.
   *
   * @throws dev.heed.core.plugin.PluginException when a provider is broken (two providers sharing a
   *     name are a warning of their registry, and an error only where that name is used)
   */
  public static Plugins discover() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return new Plugins(cl == null ? ClassLoader.getSystemClassLoader() : cl);
  }

  /** Finds the plugins visible to {@code loader} (for example a plugin directory's loader). */
  public static Plugins discover(ClassLoader loader) {
    return new Plugins(loader);
  }

  /** The plugins of the default discovery, found once and cached. */
  public static Plugins shared() {
    Plugins p = shared;
    if (p == null) {
      synchronized (Plugins.class) {
        p = shared;
        if (p == null) {
          p = discover();
          shared = p;
        }
      }
    }
    return p;
  }

  /** The registry of {@code kind}. */
  @SuppressWarnings("unchecked")
  public <P extends Provider> Registry<P> registry(PluginKind<P> kind) {
    return (Registry<P>) registries.get(kind);
  }

  /** Every registry, in {@link PluginKinds#ALL} order. */
  public Map<PluginKind<?>, Registry<?>> registries() {
    return registries;
  }

  /** Compute backends. */
  public Registry<BackendProvider> backends() {
    return registry(PluginKinds.BACKEND);
  }

  /** Activation functions. */
  public Registry<ActivationProvider> activations() {
    return registry(PluginKinds.ACTIVATION);
  }

  /** Attention units. */
  public Registry<AttentionUnitProvider> attentionUnits() {
    return registry(PluginKinds.ATTENTION);
  }

  /** Optimizers. */
  public Registry<OptimizerProvider> optimizers() {
    return registry(PluginKinds.OPTIMIZER);
  }

  /** Layers that configs can name. */
  public Registry<LayerProvider> layers() {
    return registry(PluginKinds.LAYER);
  }

  /** Learning-rate schedules. */
  public Registry<ScheduleProvider> schedules() {
    return registry(PluginKinds.SCHEDULE);
  }

  /** Weight initializers. */
  public Registry<InitializerProvider> initializers() {
    return registry(PluginKinds.INITIALIZER);
  }

  /** Loss functions. */
  public Registry<LossProvider> losses() {
    return registry(PluginKinds.LOSS);
  }

  /** Data sets. */
  public Registry<DatasetProvider> datasets() {
    return registry(PluginKinds.DATASET);
  }

  /** Tokenizers. */
  public Registry<TokenizerProvider> tokenizers() {
    return registry(PluginKinds.TOKENIZER);
  }

  /** The registry of a kind word from {@link #KINDS}. */
  public Registry<?> registry(String kind) {
    return registries.get(PluginKinds.of(kind));
  }

  @Override
  public Configured<?> resolve(String kind, Object spec, String owner) {
    return registry(kind).configure(spec, owner, this);
  }

  /** Every provider of every kind, kinds in {@link #KINDS} order. */
  public List<ProviderInfo> listing() {
    List<ProviderInfo> all = new ArrayList<>();
    for (Registry<?> r : registries.values()) {
      all.addAll(r.infos());
    }
    return all;
  }

  /** The warnings of every registry (names two providers answer to), kinds in order. */
  public List<String> warnings() {
    List<String> all = new ArrayList<>();
    for (Registry<?> r : registries.values()) {
      all.addAll(r.warnings());
    }
    return all;
  }
}

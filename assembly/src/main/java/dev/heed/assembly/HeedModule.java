package dev.heed.assembly;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.config.PluginRef;
import dev.heed.assembly.data.Batches;
import dev.heed.assembly.data.Normalization;
import dev.heed.assembly.train.ModelBuilder;
import dev.heed.assembly.train.Trainer;
import dev.heed.core.PluginKinds;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.replay.ReplayBackend;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.Loss;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.nn.Sequential;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.PluginKind;
import dev.heed.core.plugin.Provider;
import dev.heed.core.plugin.Registry;
import dev.heed.core.tensor.Scope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Guice module that assembles a config: the plugin registries as {@code MapBinder}s (one per
 * kind of {@link PluginKinds#ALL}, keyed by provider name, data sets included), the backend ({@link
 * BackendChoice}), the data ({@link Dataset}, {@link Batches}), the model ({@link Sequential}), the
 * {@link Loss}, the {@link Optimizer}, an {@code Optional<Schedule>}, the {@link Trainer} and a
 * {@code Multibinder<TrainingListener>} whose listeners hear every run.
 *
 * <p>Use it in your own injector and override what you need:
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(
 *     Modules.override(new HeedModule(config)).with(new AbstractModule() {
 *       @Provides @Singleton Loss loss() { return myLoss; }
 *     }));
 * Trainer trainer = injector.getInstance(Trainer.class);
 * }</pre>
 *
 * Singletons are created lazily; the backend is opened on first use and closed by whoever closes
 * the {@link Backend} (the {@link Heed} facade's assemblies do).
 */
public final class HeedModule extends AbstractModule {
  private final HeedConfig config;
  private final String backendOverride;
  private final PluginSet plugins;

  /** The module of {@code config} with the config's backend and the shared plugins. */
  public HeedModule(HeedConfig config) {
    this(config, null, PluginSet.shared());
  }

  /**
   * @param config the resolved config
   * @param backendOverride a backend name replacing the config's, or null
   * @param plugins the registries to bind
   */
  public HeedModule(HeedConfig config, String backendOverride, PluginSet plugins) {
    this.config = config;
    this.backendOverride = backendOverride;
    this.plugins = plugins;
  }

  @Override
  protected void configure() {
    bind(HeedConfig.class).toInstance(config);
    bind(PluginSet.class).toInstance(plugins);
    for (PluginKind<?> kind : PluginKinds.ALL) {
      bindAll(kind);
    }
    Multibinder.newSetBinder(binder(), TrainingListener.class);
  }

  /** {@code MapBinder<String, P>} of the kind's providers by name, from the kinds table. */
  private <P extends Provider> void bindAll(PluginKind<P> kind) {
    MapBinder<String, P> map = MapBinder.newMapBinder(binder(), String.class, kind.type());
    for (P p : plugins.get(kind).all()) {
      map.addBinding(p.name()).toInstance(p);
    }
  }

  @Provides
  @Singleton
  BackendChoice backendChoice(Map<String, BackendProvider> backends) {
    return BackendChoice.choose(
        Registry.of("backend", new ArrayList<>(backends.values())), config, backendOverride);
  }

  @Provides
  @Singleton
  Backend backend(BackendChoice choice) {
    Backend created = Scope.outside(() -> choice.provider().create(choice.options()));
    // the trainer replays its steps on a replay backend (training.replay, -Dheed.replay=false)
    return config.training().replay() && Predictor.replayByDefault()
        ? ReplayBackend.over(created)
        : created;
  }

  @Provides
  @Singleton
  Dataset dataset(Map<String, DatasetProvider> providers, Optional<Normalization> normalization) {
    Dataset raw = rawDataset(providers);
    return normalization.map(n -> n.applyTo(raw)).orElse(raw);
  }

  /** The z-score statistics of the training rows (a data set that asks for them). */
  @Provides
  @Singleton
  Optional<Normalization> normalization(Map<String, DatasetProvider> providers) {
    if (!config.data().standardize()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          Normalization.fit(
              new Batches(
                  rawDataset(providers), config.seed(), config.training().validationSplit(), 1)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Dataset rawDataset(Map<String, DatasetProvider> providers) {
    PluginRef source = config.data().source();
    DatasetProvider p = providers.get(source.name());
    if (p == null) {
      throw config.error(
          "data.type", "found '" + source.name() + "', expected one of " + providers.keySet());
    }
    return created(
        "data",
        () -> {
          try {
            return p.create(
                source.options(), HeedConfig.dataContext(config.file(), config.seed(), false));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Provides
  @Singleton
  Batches batches(Dataset dataset) {
    return new Batches(
        dataset, config.seed(), config.training().validationSplit(), config.data().shuffleBuffer());
  }

  @Provides
  @Singleton
  BuildContext buildContext(Backend backend) {
    return BuildContext.of(backend, DType.FLOAT32, config.seed());
  }

  @Provides
  ModelBuilder modelBuilder(Map<String, LayerProvider> layers) {
    return new ModelBuilder(layers);
  }

  @Provides
  @Singleton
  Sequential model(ModelBuilder builder, BuildContext ctx) {
    return Scope.outside(
        () -> builder.build(config.model(), ctx, (path, e) -> config.error(path, e.getMessage())));
  }

  @Provides
  @Singleton
  Loss loss(Map<String, LossProvider> losses) {
    PluginRef ref = config.loss();
    LossProvider p = losses.get(ref.name());
    return created("loss", () -> p.create(ref.options()));
  }

  @Provides
  @Singleton
  Optimizer optimizer(Map<String, OptimizerProvider> optimizers, Sequential model) {
    PluginRef ref = config.optimizer();
    OptimizerProvider p = optimizers.get(ref.name());
    return created(
        "optimizer",
        () ->
            Scope.outside(() ->
                p.create(ref.options(), List.of(ParameterGroup.of(model.namedParameters())))));
  }

  @Provides
  @Singleton
  Optional<Schedule> schedule(Map<String, ScheduleProvider> schedules) {
    PluginRef ref = config.schedule();
    if (ref == null) {
      return Optional.empty();
    }
    ScheduleProvider p = schedules.get(ref.name());
    return Optional.of(created("schedule", () -> p.create(ref.options())));
  }

  @Provides
  @Singleton
  Trainer trainer(
      Backend backend,
      BackendChoice choice,
      Sequential model,
      Loss loss,
      Optimizer optimizer,
      Optional<Schedule> schedule,
      Batches batches,
      Set<TrainingListener> listeners,
      ModelBuilder builder) {
    // data-parallel replicas: further models of the same config, on a build context of their own
    // (their initial values do not matter: the trainer sets them to the model's before each step)
    List<Sequential> copies = new ArrayList<>();
    for (int r = 1; r < config.training().replicas(); r++) {
      BuildContext ctx = BuildContext.of(backend, DType.FLOAT32, config.seed());
      copies.add(
          Scope.outside(() ->
              builder.build(config.model(), ctx, (path, e) -> config.error(path, e.getMessage()))));
    }
    return new Trainer(
        backend,
        choice.provider().name(),
        model,
        loss,
        optimizer,
        schedule.orElse(null),
        batches,
        config.training(),
        config.seed(),
        new ArrayList<>(listeners),
        copies);
  }

  /**
   * Runs a provider's {@code create} for the config section at {@code path}: a refusal of its
   * options ({@link IllegalArgumentException}) becomes a {@link ConfigException} located at the
   * option it names, or at the section.
   */
  private <T> T created(String path, Supplier<T> create) {
    try {
      return create.get();
    } catch (IllegalArgumentException e) {
      String at =
          e instanceof OptionsException o && o.option() != null && !o.option().isEmpty()
              ? path + "." + o.option()
              : path;
      throw config.error(at, e.getMessage());
    }
  }
}

package dev.heed.core;

import dev.heed.core.backend.BackendProvider;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.ProviderInfo;
import dev.heed.core.plugin.Registry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Every plugin found on the path, one {@link Registry} per kind. This is the one place that runs
 * {@link ServiceLoader}. Immutable and thread-safe once built.
 *
 * <pre>{@code
 * Plugins plugins = Plugins.discover();
 * Backend cpu = plugins.backends().get("cpu").create(Options.none());
 * }</pre>
 */
public final class Plugins {
  /** Kind words, as configs and {@code heed plugins --kind} spell them. */
  public static final List<String> KINDS =
      List.of(
          "backend",
          "activation",
          "attention",
          "layer",
          "optimizer",
          "schedule",
          "initializer",
          "loss");

  private static final String ACTIVATIONS = "dev.heed:heed-activations";
  private static final String ATTENTION = "dev.heed:heed-attention";
  private static final String OPTIMIZERS = "dev.heed:heed-optimizers";

  private static volatile Plugins shared;

  private final Registry<BackendProvider> backends;
  private final Registry<ActivationProvider> activations;
  private final Registry<AttentionUnitProvider> attentionUnits;
  private final Registry<LayerProvider> layers;
  private final Registry<OptimizerProvider> optimizers;
  private final Registry<ScheduleProvider> schedules;
  private final Registry<InitializerProvider> initializers;
  private final Registry<LossProvider> losses;

  private Plugins(ClassLoader loader) {
    backends =
        Registry.load(
            "backend",
            ServiceLoader.load(BackendProvider.class, loader),
            known(
                Map.of(
                    "cpu", "dev.heed:heed-backend-cpu",
                    "simd", "dev.heed:heed-backend-simd",
                    "opencl", "dev.heed:heed-backend-opencl")));
    activations =
        Registry.load(
            "activation",
            ServiceLoader.load(ActivationProvider.class, loader),
            known(
                artifact(
                    ACTIVATIONS,
                    "elu",
                    "hardshrink",
                    "hardsigmoid",
                    "hardtanh",
                    "hardswish",
                    "leaky-relu",
                    "log-sigmoid",
                    "prelu",
                    "relu",
                    "relu6",
                    "rrelu",
                    "selu",
                    "celu",
                    "gelu",
                    "sigmoid",
                    "silu",
                    "mish",
                    "softplus",
                    "softshrink",
                    "softsign",
                    "tanh",
                    "tanhshrink",
                    "threshold",
                    "glu",
                    "softmax",
                    "softmin",
                    "log-softmax",
                    "swish",
                    "cube",
                    "rational-tanh",
                    "rectified-tanh",
                    "thresholded-relu",
                    "identity")));
    attentionUnits =
        Registry.load(
            "attention",
            ServiceLoader.load(AttentionUnitProvider.class, loader),
            known(artifact(ATTENTION, "feature", "additive", "dot", "scaled-dot", "multi-head")));
    optimizers =
        Registry.load(
            "optimizer",
            ServiceLoader.load(OptimizerProvider.class, loader),
            known(
                artifact(
                    OPTIMIZERS,
                    "sgd",
                    "adagrad",
                    "adadelta",
                    "rmsprop",
                    "adam",
                    "adamw",
                    "adamax",
                    "nadam",
                    "radam",
                    "rprop",
                    "lion",
                    "lamb",
                    "adabelief")));
    layers =
        Registry.load(
            "layer",
            ServiceLoader.load(LayerProvider.class, loader),
            known(
                artifact(
                    ATTENTION,
                    "embedding",
                    "positional-encoding",
                    "learned-positional-encoding",
                    "layer-norm",
                    "dropout",
                    "residual",
                    "feed-forward",
                    "self-attention",
                    "transformer-encoder-layer",
                    "transformer-encoder",
                    "sequence-classification-head",
                    "lm-head")));
    schedules =
        Registry.load(
            "schedule",
            ServiceLoader.load(ScheduleProvider.class, loader),
            known(
                artifact(
                    OPTIMIZERS,
                    "constant",
                    "step",
                    "multi-step",
                    "exponential",
                    "linear",
                    "cosine",
                    "cosine-warm-restarts",
                    "one-cycle",
                    "polynomial",
                    "warmup",
                    "sequential",
                    "reduce-on-plateau")));
    initializers =
        Registry.load(
            "initializer", ServiceLoader.load(InitializerProvider.class, loader), Map.of());
    losses = Registry.load("loss", ServiceLoader.load(LossProvider.class, loader), Map.of());
  }

  /**
   * Finds the plugins visible to the thread's context class loader: every module on the module path
   * that {@code provides} a Heed service, and every jar on the class path with a {@code
   * META-INF/services} entry.
   *
   * @throws dev.heed.core.plugin.PluginException when a provider is broken or two share a name
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

  /** Compute backends. */
  public Registry<BackendProvider> backends() {
    return backends;
  }

  /** Activation functions. */
  public Registry<ActivationProvider> activations() {
    return activations;
  }

  /** Attention units. */
  public Registry<AttentionUnitProvider> attentionUnits() {
    return attentionUnits;
  }

  /** Optimizers. */
  public Registry<OptimizerProvider> optimizers() {
    return optimizers;
  }

  /** Layers that configs can name. */
  public Registry<LayerProvider> layers() {
    return layers;
  }

  /** Learning-rate schedules. */
  public Registry<ScheduleProvider> schedules() {
    return schedules;
  }

  /** Weight initializers. */
  public Registry<InitializerProvider> initializers() {
    return initializers;
  }

  /** Loss functions. */
  public Registry<LossProvider> losses() {
    return losses;
  }

  /** The registry of a kind word from {@link #KINDS}. */
  public Registry<?> registry(String kind) {
    return switch (kind) {
      case "backend" -> backends;
      case "activation" -> activations;
      case "attention" -> attentionUnits;
      case "layer" -> layers;
      case "optimizer" -> optimizers;
      case "schedule" -> schedules;
      case "initializer" -> initializers;
      case "loss" -> losses;
      default ->
          throw new IllegalArgumentException(
              "unknown plugin kind '"
                  + kind
                  + "'"
                  + dev.heed.core.plugin.Suggestions.didYouMean(kind, KINDS)
                  + "; kinds are: "
                  + String.join(", ", KINDS));
    };
  }

  /** Every provider of every kind, kinds in {@link #KINDS} order. */
  public List<ProviderInfo> listing() {
    List<ProviderInfo> all = new ArrayList<>();
    for (String kind : KINDS) {
      all.addAll(registry(kind).infos());
    }
    return all;
  }

  private static Map<String, String> artifact(String artifact, String... names) {
    Map<String, String> m = new HashMap<>();
    for (String n : names) {
      m.put(n, artifact);
    }
    return m;
  }

  private static Map<String, String> known(Map<String, String> byName) {
    Map<String, String> m = new HashMap<>();
    byName.forEach(
        (k, v) -> m.put(k.toLowerCase(Locale.ROOT).replace("-", "").replace("_", ""), v));
    return m;
  }
}

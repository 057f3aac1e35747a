package dev.heed.assembly.api;

import dev.heed.core.Plugins;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.LossProvider;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.Registry;

/**
 * The plugin registries a config is validated and assembled against: normally {@link
 * Plugins#shared()}, and in tests or embedding any registries (for example {@link Registry#of} with
 * a fake backend). Immutable.
 *
 * @param backends compute backends
 * @param activations activation functions
 * @param attentionUnits attention units
 * @param layers layers named by configs beyond dense and attention
 * @param optimizers optimizers
 * @param schedules learning-rate schedules
 * @param initializers weight initializers
 * @param losses loss functions
 */
public record PluginSet(
    Registry<BackendProvider> backends,
    Registry<ActivationProvider> activations,
    Registry<AttentionUnitProvider> attentionUnits,
    Registry<LayerProvider> layers,
    Registry<OptimizerProvider> optimizers,
    Registry<ScheduleProvider> schedules,
    Registry<InitializerProvider> initializers,
    Registry<LossProvider> losses) {

  /** The registries of {@code plugins}. */
  public static PluginSet of(Plugins plugins) {
    return new PluginSet(
        plugins.backends(),
        plugins.activations(),
        plugins.attentionUnits(),
        plugins.layers(),
        plugins.optimizers(),
        plugins.schedules(),
        plugins.initializers(),
        plugins.losses());
  }

  /** The registries of {@link Plugins#shared()}. */
  public static PluginSet shared() {
    return of(Plugins.shared());
  }

  /** This set with other backends. */
  public PluginSet withBackends(Registry<BackendProvider> other) {
    return new PluginSet(
        other, activations, attentionUnits, layers, optimizers, schedules, initializers, losses);
  }

  /** The registry of a kind word ({@code backend}, {@code activation}, {@code attention}, …). */
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
      default -> throw new IllegalArgumentException("unknown plugin kind '" + kind + "'");
    };
  }
}

package dev.heed.assembly.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of {@code model.layers}. */
public sealed interface LayerConfig {

  /**
   * {@code type: dense}.
   *
   * @param units output features
   * @param activation the activation, or null for none
   * @param bias whether there is a bias
   * @param weightInit the weight initializer, or null for nn.Linear's default
   * @param biasInit the bias initializer, or null for nn.Linear's default
   */
  record Dense(
      int units, PluginRef activation, boolean bias, PluginRef weightInit, PluginRef biasInit)
      implements LayerConfig {}

  /**
   * {@code type: attention}: self-attention over the layer input.
   *
   * @param unit the attention unit
   */
  record Attention(PluginRef unit) implements LayerConfig {}

  /**
   * A layer plugin ({@link dev.heed.core.nn.LayerProvider}) named by {@code type}.
   *
   * @param type the provider name
   * @param options its resolved options
   */
  record Plugin(String type, Map<String, Object> options) implements LayerConfig {
    /** Copies. */
    public Plugin {
      options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }
  }
}

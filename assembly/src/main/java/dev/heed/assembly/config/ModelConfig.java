package dev.heed.assembly.config;

import java.util.List;

/**
 * {@code model}.
 *
 * @param inputs input features
 * @param layers the layers, applied in order
 */
public record ModelConfig(int inputs, List<LayerConfig> layers) {
  /** Copies. */
  public ModelConfig {
    layers = List.copyOf(layers);
  }
}

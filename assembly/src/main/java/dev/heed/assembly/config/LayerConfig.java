package dev.heed.assembly.config;

import dev.heed.core.plugin.Options;
import java.util.Objects;

/**
 * One entry of {@code model.layers}: a layer plugin ({@link dev.heed.core.nn.LayerProvider}, {@code
 * dense} and {@code attention} included) named by {@code type}, with its options resolved once.
 *
 * @param type the provider's canonical name
 * @param options its resolved options
 */
public record LayerConfig(String type, Options options) {

  /** Null checks. */
  public LayerConfig {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(options, "options");
  }
}

package dev.heed.assembly.api;

/**
 * A validated, resolved configuration: every default filled in, every plugin name canonical and its
 * options complete. Immutable. The implementation is {@link dev.heed.assembly.config.HeedConfig}.
 */
public interface Config {

  /** The resolved config as YAML, as written into run directories as {@code config.yaml}. */
  String toYaml();
}

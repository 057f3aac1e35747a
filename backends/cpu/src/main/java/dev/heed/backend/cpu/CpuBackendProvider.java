package dev.heed.backend.cpu;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.plugin.Options;

/**
 * Provides the reference {@code cpu} backend. Always available; priority 0, so any available
 * accelerated backend wins an automatic choice. Takes no options.
 */
public final class CpuBackendProvider implements BackendProvider {

  /** The registry instantiates providers; this does no work. */
  public CpuBackendProvider() {}

  @Override
  public String name() {
    return CpuBackend.NAME;
  }

  @Override
  public String description() {
    return "reference backend: plain single-threaded Java on the heap, the definition of every"
        + " kernel";
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public Backend create(Options options) {
    return new CpuBackend();
  }
}

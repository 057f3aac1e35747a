package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;

/**
 * The whole backend contract on a {@link dev.heed.core.backend.support.DelegatingBackend} over the
 * reference backend: every kernel reaches the delegate with its buffers unwrapped and its results
 * come back unchanged.
 */
class DelegatingBackendContractTest extends BackendContract {
  private static final Backend BACKEND = over();

  private static Backend over() {
    BackendProvider cpu = Plugins.shared().backends().get("cpu");
    return new CountingBackend(cpu.create(cpu.options().defaults("backend 'cpu'")));
  }

  @Override
  protected Backend backend() {
    return BACKEND;
  }
}

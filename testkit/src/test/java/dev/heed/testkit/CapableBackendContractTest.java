package dev.heed.testkit;

import dev.heed.core.backend.Backend;

/**
 * The whole backend contract, capability contracts included, on {@link CapableBackend}: every
 * kernel call the contracts make passes core's argument checks and has a non-empty output, and the
 * capability contracts pass on right implementations of every capability.
 */
class CapableBackendContractTest extends BackendContract {
  private static final Backend BACKEND = new CapableBackend();

  @Override
  protected Backend backend() {
    return BACKEND;
  }
}

package dev.heed.testkit;

import dev.heed.core.backend.Backend;

/**
 * The whole backend contract, capability contracts included, on a {@link
 * dev.heed.core.backend.support.DelegatingBackend} over {@link CapableBackend}: the three
 * capabilities are passed through, and their calls (direct and through core's operations) reach the
 * delegate's capabilities with buffers the delegate owns, under core's argument checks.
 */
class DelegatingCapableBackendContractTest extends BackendContract {
  private static final Backend BACKEND = new CountingBackend(new CapableBackend());

  @Override
  protected Backend backend() {
    return BACKEND;
  }
}

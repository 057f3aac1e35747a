package dev.heed.backend.simd;

import dev.heed.core.backend.Backend;
import dev.heed.testkit.BackendContract;

/** The full backend contract on one thread. */
class SimdBackendContractTest extends BackendContract {
  @Override
  protected Backend backend() {
    return SimdBackends.withThreads(1);
  }
}

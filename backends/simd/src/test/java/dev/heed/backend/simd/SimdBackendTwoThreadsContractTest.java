package dev.heed.backend.simd;

import dev.heed.core.backend.Backend;
import dev.heed.testkit.BackendContract;

/** The full backend contract with the work split over two threads. */
class SimdBackendTwoThreadsContractTest extends BackendContract {
  @Override
  protected Backend backend() {
    return SimdBackends.withThreads(2);
  }
}

package dev.heed.backend.opencl;

import dev.heed.core.backend.Backend;
import dev.heed.testkit.BackendContract;

/**
 * The testkit's backend contract against the opencl backend (PoCL on the CPU in CI): every kernel
 * against its definition and composite programs against the reference backend.
 */
class OpenClBackendContractTest extends BackendContract {
  @Override
  protected Backend backend() {
    return OpenClTests.backend();
  }
}

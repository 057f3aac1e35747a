package com.example.heed.backend;

import dev.heed.core.backend.Backend;
import dev.heed.testkit.BackendContract;

/**
 * Heed's backend contract on the counting backend over the reference {@code cpu} backend: every
 * kernel on awkward sizes and views, composite programs forward and backward against the reference,
 * and its name as a registered provider's.
 */
class CountingOverCpuTest extends BackendContract {
  @Override
  protected Backend backend() {
    return CountingBackends.over("cpu");
  }
}

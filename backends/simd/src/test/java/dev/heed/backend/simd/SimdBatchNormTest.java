package dev.heed.backend.simd;

import dev.heed.core.backend.Backend;
import dev.heed.testkit.FusedBatchNormContract;
import dev.heed.testkit.TestBackends;

/** The simd backend's batch norm ({@link SimdBatchNorm}) through the testkit contract. */
class SimdBatchNormTest extends FusedBatchNormContract {
  @Override
  protected Backend backend() {
    return TestBackends.open("simd");
  }
}

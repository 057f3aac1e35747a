package dev.heed.backend.simd;

import dev.heed.core.backend.Backend;
import dev.heed.testkit.FusedConv2dContract;
import dev.heed.testkit.TestBackends;

/** The simd backend's {@link dev.heed.core.backend.FusedConv2d} through the testkit contract. */
class SimdFusedConv2dTest extends FusedConv2dContract {
  @Override
  protected Backend backend() {
    return TestBackends.open("simd");
  }
}

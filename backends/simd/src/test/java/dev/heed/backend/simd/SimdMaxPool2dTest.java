package dev.heed.backend.simd;

import dev.heed.core.backend.Backend;
import dev.heed.testkit.FusedMaxPool2dContract;
import dev.heed.testkit.TestBackends;

/** The simd backend's max pooling ({@link SimdMaxPool2d}) through the testkit contract. */
class SimdMaxPool2dTest extends FusedMaxPool2dContract {
  @Override
  protected Backend backend() {
    return TestBackends.open("simd");
  }
}

package dev.heed.backend.opencl;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.testkit.FusedLayerNormContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The testkit's {@link FusedLayerNormContract} with rows summed by several work items in a tree in
 * local memory, the geometry {@link ClLayerNorm} takes on a GPU, on the device that runs the tests
 * (PoCL in CI, where the backend otherwise sums each row with one item, which {@code
 * OpenClBackendContractTest} checks).
 */
class FusedLayerNormTreesTest extends FusedLayerNormContract {
  private static OpenClBackend trees;

  /** A backend of its own whose layer norm sums rows in trees. */
  static synchronized OpenClBackend trees() {
    if (trees == null) {
      OpenClTests.assumePlatform();
      trees = new OpenClBackend(Cl.library(), ClDevices.select("0", "0"), null);
      ((ClLayerNorm) trees.capability(FusedLayerNorm.class).orElseThrow()).asOnGpu();
    }
    return trees;
  }

  @AfterAll
  static synchronized void closeTrees() {
    if (trees != null) {
      trees.close();
      trees = null;
    }
  }

  @Override
  protected Backend backend() {
    return trees();
  }
}

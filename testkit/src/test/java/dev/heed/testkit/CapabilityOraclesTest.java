package dev.heed.testkit;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The host oracles of the max-pooling and batch-norm contracts agree with core's composites of
 * primitive kernels on the reference backend (which offers neither capability) in FLOAT64, over
 * every case of the two contracts: two implementations written apart, from the capabilities' and
 * the operations' Javadoc, that say the same.
 */
class CapabilityOraclesTest {

  @Test
  void maxPoolingOracleMatchesTheComposite() {
    Backend ref = TestBackends.reference();
    for (FusedMaxPool2dContract.Case c : FusedMaxPool2dContract.all()) {
      List<double[]> composite = FusedMaxPool2dContract.run(c, ref, DType.FLOAT64);
      List<double[]> oracle = FusedMaxPool2dContract.expected(c, DType.FLOAT64);
      Compare.assertClose(c + ": output", composite.get(0), oracle.get(0), 0);
      Compare.assertClose(c + ": gradient of x", composite.get(1), oracle.get(1), 0);
    }
  }

  @Test
  void batchNormOracleMatchesTheComposite() {
    Backend ref = TestBackends.reference();
    for (FusedBatchNormContract.Case c : FusedBatchNormContract.all()) {
      List<double[]> composite = FusedBatchNormContract.run(c, ref, DType.FLOAT64);
      List<double[]> oracle = FusedBatchNormContract.expected(c, DType.FLOAT64);
      for (int i = 0; i < oracle.size(); i++) {
        Compare.assertClose(
            c + ": " + FusedBatchNormContract.WHAT[i], composite.get(i), oracle.get(i), 1e-10);
      }
    }
  }
}

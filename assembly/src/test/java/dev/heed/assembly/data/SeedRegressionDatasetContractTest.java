package dev.heed.assembly.data;

import dev.heed.core.data.DatasetProvider;
import dev.heed.testkit.DatasetContract;
import java.util.Map;

/** {@code seed-regression} meets the testkit's data set contract. */
class SeedRegressionDatasetContractTest extends DatasetContract {
  @Override
  protected DatasetProvider provider() {
    return new GeneratedDatasetProvider.SeedRegression();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("examples", 50, "inputs", 4, "outputs", 2, "noise", 0.1);
  }
}

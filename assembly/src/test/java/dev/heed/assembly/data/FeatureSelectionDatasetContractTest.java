package dev.heed.assembly.data;

import dev.heed.core.data.DatasetProvider;
import dev.heed.testkit.DatasetContract;
import java.util.Map;

/** {@code feature-selection} meets the testkit's data set contract. */
class FeatureSelectionDatasetContractTest extends DatasetContract {
  @Override
  protected DatasetProvider provider() {
    return new GeneratedDatasetProvider.FeatureSelection();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("examples", 30);
  }
}

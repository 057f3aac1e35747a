package dev.heed.assembly.data;

import dev.heed.core.data.DatasetProvider;
import dev.heed.testkit.DatasetContract;
import java.util.Map;

/** {@code marked-token-recall} meets the testkit's data set contract. */
class MarkedTokenRecallDatasetContractTest extends DatasetContract {
  @Override
  protected DatasetProvider provider() {
    return new GeneratedDatasetProvider.MarkedTokenRecall();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("examples", 40, "min_length", 4, "max_length", 9);
  }
}

package dev.heed.assembly.data;

import dev.heed.core.data.DatasetProvider;
import dev.heed.testkit.DatasetContract;
import java.util.Map;

/** {@code digit-reversal} meets the testkit's data set contract. */
class DigitReversalDatasetContractTest extends DatasetContract {
  @Override
  protected DatasetProvider provider() {
    return new GeneratedDatasetProvider.DigitReversal();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("examples", 40, "min_length", 3, "max_length", 7);
  }
}

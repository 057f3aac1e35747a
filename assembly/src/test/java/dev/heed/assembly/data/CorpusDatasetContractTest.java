package dev.heed.assembly.data;

import dev.heed.core.data.DatasetProvider;
import dev.heed.testkit.DatasetContract;
import java.util.List;
import java.util.Map;

/** {@code corpus} meets the testkit's data set contract, on the project's README and CHANGELOG. */
class CorpusDatasetContractTest extends DatasetContract {
  @Override
  protected DatasetProvider provider() {
    return new CorpusDatasetProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("paths", List.of("../README.md", "../CHANGELOG.md"), "length", 48);
  }

  @Override
  protected boolean seedDependent() {
    return false;
  }
}

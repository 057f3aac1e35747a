package dev.heed.attention;

import dev.heed.core.nn.LayerProvider;
import dev.heed.testkit.LayerContract;
import java.util.Map;

/** {@code layer-norm} meets the testkit's layer contract. */
class LayerNormLayerContractTest extends LayerContract {
  @Override
  protected LayerProvider provider() {
    return new LayerNormProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("eps", 1e-5);
  }
}

package dev.heed.attention;

import dev.heed.core.nn.LayerProvider;
import dev.heed.testkit.LayerContract;
import java.util.Map;

/** {@code self-attention} with a multi-head unit meets the testkit's layer contract. */
class SelfAttentionLayerContractTest extends LayerContract {
  @Override
  protected LayerProvider provider() {
    return new SelfAttentionProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("unit", Map.of("name", "multi-head", "num_heads", 2));
  }

  @Override
  protected int[] inputShape() {
    return new int[] {2, 4, inputFeatures()};
  }
}

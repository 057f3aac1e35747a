package dev.heed.attention;

import dev.heed.core.nn.LayerProvider;
import dev.heed.testkit.LayerContract;
import java.util.Map;

/**
 * {@code feed-forward} meets the testkit's layer contract over a sequence input {@code [B, T, d]},
 * with dropout on (so the training pass draws from the forward seeds) and a smooth activation.
 */
class FeedForwardLayerContractTest extends LayerContract {
  @Override
  protected LayerProvider provider() {
    return new FeedForwardProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("dim_feedforward", 10, "activation", "gelu", "dropout", 0.25);
  }

  @Override
  protected int[] inputShape() {
    return new int[] {2, 3, inputFeatures()};
  }
}

package dev.heed.recurrent;

import dev.heed.core.nn.LayerProvider;
import dev.heed.testkit.LayerContract;
import java.util.Map;

/**
 * {@code lstm} meets the testkit's layer contract (gradient check, float32 against float64, every
 * backend against the reference, batch independence) over a sequence input {@code [B, T, d]}: two
 * bidirectional layers with dropout between them, so the training pass draws from the seeds.
 */
class LstmLayerContractTest extends LayerContract {
  @Override
  protected LayerProvider provider() {
    return new LstmProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("hidden_size", 3, "num_layers", 2, "bidirectional", true, "dropout", 0.25);
  }

  @Override
  protected int[] inputShape() {
    return new int[] {2, 3, inputFeatures()};
  }
}

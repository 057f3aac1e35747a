package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** Adamax meets the optimizer contract. */
class AdamaxOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new AdamaxOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.05);
  }
}

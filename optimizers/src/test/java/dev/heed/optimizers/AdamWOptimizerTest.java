package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** AdamW meets the optimizer contract (weight decay off: it moves the minimum). */
class AdamWOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new AdamWOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.05, "weight_decay", 0.0);
  }
}

package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** AdaBelief meets the optimizer contract. */
class AdaBeliefOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new AdaBeliefOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.05);
  }
}

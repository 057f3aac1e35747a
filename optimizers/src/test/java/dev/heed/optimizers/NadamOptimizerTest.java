package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** NAdam meets the optimizer contract. */
class NadamOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new NadamOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.01);
  }
}

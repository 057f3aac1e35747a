package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** Rprop meets the optimizer contract. */
class RpropOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new RpropOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.01);
  }
}

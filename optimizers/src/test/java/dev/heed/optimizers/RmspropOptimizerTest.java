package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** RMSprop meets the optimizer contract; on Rosenbrock with a smaller rate and 10000 steps. */
class RmspropOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new RmspropOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.01);
  }

  @Override
  protected Map<String, Object> rosenbrockOptions() {
    return Map.of("lr", 0.001);
  }

  @Override
  protected int rosenbrockSteps() {
    return 10000;
  }
}

package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/**
 * Adagrad meets the optimizer contract; its steps shrink as squared gradients accumulate, so
 * Rosenbrock gets 10000.
 */
class AdagradOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new AdagradOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.5);
  }

  @Override
  protected Map<String, Object> rosenbrockOptions() {
    return Map.of("lr", 1.0);
  }

  @Override
  protected int rosenbrockSteps() {
    return 10000;
  }
}

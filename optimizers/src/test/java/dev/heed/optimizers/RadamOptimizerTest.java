package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/**
 * RAdam meets the optimizer contract. Its first steps (while the variance is not yet tractable,
 * rho_t <= 5) are plain momentum SGD steps of lr·m̂, which on Rosenbrock (gradients ~150 at the
 * start) need a small rate, so the budgets are larger.
 */
class RadamOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new RadamOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.005);
  }

  @Override
  protected int quadraticSteps() {
    return 2000;
  }

  @Override
  protected Map<String, Object> rosenbrockOptions() {
    return Map.of("lr", 0.002);
  }

  @Override
  protected int rosenbrockSteps() {
    return 10000;
  }
}

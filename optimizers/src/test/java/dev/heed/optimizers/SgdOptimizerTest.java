package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/**
 * Plain SGD meets the optimizer contract. Its step size must stay below 2/L on Rosenbrock (L ≈ 2000
 * at the start), where plain gradient descent then crawls along the valley, so the nested variants
 * with momentum take that test.
 */
class SgdOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new SgdOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.05);
  }

  @Override
  protected boolean testRosenbrock() {
    return false;
  }
}

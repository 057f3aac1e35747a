package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** SGD with heavy-ball momentum meets the optimizer contract, Rosenbrock included. */
class SgdMomentumOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new SgdOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.001, "momentum", 0.9);
  }
}

package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/**
 * Lion meets the optimizer contract. Every coordinate moves by exactly lr per step (a sign update),
 * so it settles within about lr of the minimum: a small rate, and more steps to travel.
 */
class LionOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new LionOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.0005);
  }

  @Override
  protected int quadraticSteps() {
    return 5000;
  }

  @Override
  protected Map<String, Object> rosenbrockOptions() {
    return Map.of("lr", 0.001);
  }
}

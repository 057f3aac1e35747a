package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** Adadelta meets the optimizer contract. */
class AdadeltaOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new AdadeltaOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 1.0);
  }

  /**
   * Not on Rosenbrock: Adadelta's unit-free step √(acc_delta + eps)/√(square_avg + eps)·g starts
   * near √eps and adapts to the valley's curvature too slowly (measured at lr 1: (0.62, 0.45) after
   * 5000 steps; no better after 20000 with eps up to 1e-3).
   */
  @Override
  protected boolean testRosenbrock() {
    return false;
  }
}

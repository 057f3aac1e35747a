package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** Centered RMSprop with momentum meets the optimizer contract. */
class RmspropCenteredOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new RmspropOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.005, "centered", true, "momentum", 0.5);
  }
}

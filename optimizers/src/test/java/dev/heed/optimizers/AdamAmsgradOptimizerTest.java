package dev.heed.optimizers;

import dev.heed.core.optim.OptimizerProvider;
import dev.heed.testkit.OptimizerContract;
import java.util.Map;

/** Adam with AMSGrad meets the optimizer contract. */
class AdamAmsgradOptimizerTest extends OptimizerContract {
  @Override
  protected OptimizerProvider provider() {
    return new AdamOptimizerProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lr", 0.05, "amsgrad", true);
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code LeakyRelu} activation meets the activation contract. */
class LeakyReluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new LeakyReluActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("negative_slope", 0.2);
  }
}

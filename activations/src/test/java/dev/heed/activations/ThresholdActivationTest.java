package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Threshold} activation meets the activation contract. */
class ThresholdActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new ThresholdActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("threshold", 0.2, "value", -1.5);
  }
}

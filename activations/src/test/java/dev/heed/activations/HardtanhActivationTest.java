package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Hardtanh} activation meets the activation contract. */
class HardtanhActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new HardtanhActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("min_val", -2.0, "max_val", 1.5);
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Softplus} activation meets the activation contract. */
class SoftplusActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SoftplusActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("beta", 2.0, "threshold", 4.0);
  }
}

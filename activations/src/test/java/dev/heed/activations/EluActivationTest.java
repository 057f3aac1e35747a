package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Elu} activation meets the activation contract. */
class EluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new EluActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("alpha", 0.7);
  }
}

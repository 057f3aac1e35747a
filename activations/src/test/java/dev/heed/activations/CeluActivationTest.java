package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Celu} activation meets the activation contract. */
class CeluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new CeluActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("alpha", 0.7);
  }
}

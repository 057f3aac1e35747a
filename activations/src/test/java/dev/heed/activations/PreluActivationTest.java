package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Prelu} activation meets the activation contract. */
class PreluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new PreluActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("num_parameters", 7, "init", 0.1);
  }
}

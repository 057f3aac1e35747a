package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Gelu} activation meets the activation contract. */
class GeluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new GeluActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("approximate", "tanh");
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Softmin} activation meets the activation contract. */
class SoftminActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SoftminActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("dim", 0);
  }
}

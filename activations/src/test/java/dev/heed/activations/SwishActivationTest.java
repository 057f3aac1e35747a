package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;
import java.util.Map;

/** The {@code Swish} activation meets the activation contract. */
class SwishActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SwishActivationProvider();
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("beta", 1.5);
  }
}

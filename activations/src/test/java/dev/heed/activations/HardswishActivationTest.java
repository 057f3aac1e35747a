package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Hardswish} activation meets the activation contract. */
class HardswishActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new HardswishActivationProvider();
  }
}

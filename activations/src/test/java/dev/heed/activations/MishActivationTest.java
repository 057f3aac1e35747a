package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Mish} activation meets the activation contract. */
class MishActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new MishActivationProvider();
  }
}

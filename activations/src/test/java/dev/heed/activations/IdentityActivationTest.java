package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Identity} activation meets the activation contract. */
class IdentityActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new IdentityActivationProvider();
  }
}

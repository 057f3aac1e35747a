package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Softsign} activation meets the activation contract. */
class SoftsignActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SoftsignActivationProvider();
  }
}

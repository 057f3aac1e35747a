package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Selu} activation meets the activation contract. */
class SeluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SeluActivationProvider();
  }
}

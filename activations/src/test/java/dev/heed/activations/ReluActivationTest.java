package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Relu} activation meets the activation contract. */
class ReluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new ReluActivationProvider();
  }
}

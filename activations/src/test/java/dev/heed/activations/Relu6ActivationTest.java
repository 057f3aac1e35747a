package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Relu6} activation meets the activation contract. */
class Relu6ActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new Relu6ActivationProvider();
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Sigmoid} activation meets the activation contract. */
class SigmoidActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SigmoidActivationProvider();
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Softmax} activation meets the activation contract. */
class SoftmaxActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SoftmaxActivationProvider();
  }
}

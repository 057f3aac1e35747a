package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Tanh} activation meets the activation contract. */
class TanhActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new TanhActivationProvider();
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code RationalTanh} activation meets the activation contract. */
class RationalTanhActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new RationalTanhActivationProvider();
  }
}

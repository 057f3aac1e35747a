package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Rrelu} activation meets the activation contract. */
class RreluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new RreluActivationProvider();
  }
}

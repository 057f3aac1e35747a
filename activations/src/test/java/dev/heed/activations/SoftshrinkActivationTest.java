package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Softshrink} activation meets the activation contract. */
class SoftshrinkActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SoftshrinkActivationProvider();
  }
}

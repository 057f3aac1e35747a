package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Silu} activation meets the activation contract. */
class SiluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new SiluActivationProvider();
  }
}

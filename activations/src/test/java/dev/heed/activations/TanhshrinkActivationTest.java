package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Tanhshrink} activation meets the activation contract. */
class TanhshrinkActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new TanhshrinkActivationProvider();
  }
}

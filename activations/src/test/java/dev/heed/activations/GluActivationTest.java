package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Glu} activation meets the activation contract. */
class GluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new GluActivationProvider();
  }

  @Override
  protected int[] inputShape() {
    return new int[] {3, 8};
  }

  @Override
  protected boolean preservesShape() {
    return false;
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Hardshrink} activation meets the activation contract. */
class HardshrinkActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new HardshrinkActivationProvider();
  }
}

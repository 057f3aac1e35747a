package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code ThresholdedRelu} activation meets the activation contract. */
class ThresholdedReluActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new ThresholdedReluActivationProvider();
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Seeds;
import dev.heed.testkit.ActivationContract;

/** {@code rrelu} in training (random slopes from a fixed seed) meets the activation contract. */
class RreluTrainingActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new RreluActivationProvider();
  }

  @Override
  protected ForwardContext forwardContext() {
    return ForwardContext.training(new Seeds(42));
  }
}

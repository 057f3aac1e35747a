package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Hardsigmoid} activation meets the activation contract. */
class HardsigmoidActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new HardsigmoidActivationProvider();
  }
}

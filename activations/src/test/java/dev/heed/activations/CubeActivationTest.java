package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code Cube} activation meets the activation contract. */
class CubeActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new CubeActivationProvider();
  }
}

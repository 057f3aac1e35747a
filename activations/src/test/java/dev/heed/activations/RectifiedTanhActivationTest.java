package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code RectifiedTanh} activation meets the activation contract. */
class RectifiedTanhActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new RectifiedTanhActivationProvider();
  }
}

package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code LogSoftmax} activation meets the activation contract. */
class LogSoftmaxActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new LogSoftmaxActivationProvider();
  }
}

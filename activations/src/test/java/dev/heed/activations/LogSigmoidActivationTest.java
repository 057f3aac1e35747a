package dev.heed.activations;

import dev.heed.core.nn.ActivationProvider;
import dev.heed.testkit.ActivationContract;

/** The {@code LogSigmoid} activation meets the activation contract. */
class LogSigmoidActivationTest extends ActivationContract {
  @Override
  protected ActivationProvider provider() {
    return new LogSigmoidActivationProvider();
  }
}

package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.nn.LossProvider;

/** Core's built-in {@code mse} meets the testkit's LossContract. */
class MseLossContractTest extends LossContract {
  @Override
  protected LossProvider provider() {
    return Plugins.shared().losses().get("mse");
  }
}

package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.nn.InitializerProvider;

/** Core's built-in {@code xavier} meets the testkit's InitializerContract. */
class XavierInitializerContractTest extends InitializerContract {
  @Override
  protected InitializerProvider provider() {
    return Plugins.shared().initializers().get("xavier");
  }
}

package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.nn.InitializerProvider;

/** Core's built-in {@code constant} meets the testkit's InitializerContract. */
class ConstantInitializerContractTest extends InitializerContract {
  @Override
  protected InitializerProvider provider() {
    return Plugins.shared().initializers().get("constant");
  }

  @Override
  protected boolean random() {
    return false;
  }
}

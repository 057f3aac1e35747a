package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.nn.InitializerProvider;
import java.util.Map;

/** Core's built-in {@code normal} meets the testkit's InitializerContract. */
class NormalInitializerContractTest extends InitializerContract {
  @Override
  protected InitializerProvider provider() {
    return Plugins.shared().initializers().get("normal");
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("std", 0.02);
  }
}

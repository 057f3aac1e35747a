package dev.heed.testkit;

import dev.heed.core.Plugins;
import dev.heed.core.nn.LossProvider;
import java.util.Map;

/** Core's built-in {@code cross-entropy} meets the testkit's LossContract. */
class CrossEntropyLossContractTest extends LossContract {
  @Override
  protected LossProvider provider() {
    return Plugins.shared().losses().get("cross-entropy");
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("label_smoothing", 0.1);
  }
}

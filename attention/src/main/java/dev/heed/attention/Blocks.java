package dev.heed.attention;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.Options;

/** Helpers of the block providers. */
final class Blocks {
  private Blocks() {}

  /** The activation plugin of option {@code activation}, created with its resolved options. */
  static Activation activation(Options o, BuildContext ctx) {
    Configured<ActivationProvider> a = o.getPlugin("activation", ActivationProvider.class);
    return a.provider().create(a.options(), ctx);
  }
}

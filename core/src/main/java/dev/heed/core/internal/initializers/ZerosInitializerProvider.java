package dev.heed.core.internal.initializers;

import dev.heed.core.nn.Initializer;
import dev.heed.core.plugin.Options;

/** All zeros. */
public final class ZerosInitializerProvider extends SimpleInitializerProvider {

  /** Cheap; for ServiceLoader. */
  public ZerosInitializerProvider() {}

  @Override
  public String name() {
    return "zeros";
  }

  @Override
  public String description() {
    return "every value 0 (typical for biases)";
  }

  @Override
  public Initializer create(Options options) {
    return (t, fan, seed) -> constant(t, 0.0);
  }
}

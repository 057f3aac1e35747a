package dev.heed.core.nn;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;

/** Service interface of an activation function ({@code tanh}, {@code relu}, …). */
public interface ActivationProvider extends Provider {

  /**
   * An activation with options validated against {@link #options()}.
   *
   * @param ctx where any learnable parameters are created
   */
  Activation create(Options options, BuildContext ctx);
}

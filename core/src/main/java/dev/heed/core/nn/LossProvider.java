package dev.heed.core.nn;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;

/** Service interface of a loss function ({@code mse}, {@code cross-entropy}, …). */
public interface LossProvider extends Provider {

  /** A loss with options validated against {@link #options()}. */
  Loss create(Options options);
}

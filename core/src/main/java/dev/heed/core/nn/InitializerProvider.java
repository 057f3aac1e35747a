package dev.heed.core.nn;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;

/** Service interface of an initializer ({@code zeros}, {@code xavier}, …). */
public interface InitializerProvider extends Provider {

  /** An initializer with options validated against {@link #options()}. */
  Initializer create(Options options);
}

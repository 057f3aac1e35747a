package dev.heed.core.nn;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;

/**
 * Service interface of an attention unit ({@code feature}, {@code additive}, {@code multi-head},
 * …).
 */
public interface AttentionUnitProvider extends Provider {

  /**
   * A unit with options validated against {@link #options()}.
   *
   * @param spec the dimensions it attends over
   * @param ctx where its parameters are created
   */
  AttentionUnit create(Options options, AttentionSpec spec, BuildContext ctx);
}

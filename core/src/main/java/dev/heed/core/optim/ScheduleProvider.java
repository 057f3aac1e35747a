package dev.heed.core.optim;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;

/** Service interface of a learning-rate schedule ({@code cosine}, {@code step}, …). */
public interface ScheduleProvider extends Provider {

  /** A schedule with options validated against {@link #options()}. */
  Schedule create(Options options);
}

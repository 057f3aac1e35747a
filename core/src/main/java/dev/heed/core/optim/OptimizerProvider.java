package dev.heed.core.optim;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;
import java.util.List;

/** Service interface of an optimizer ({@code sgd}, {@code adam}, …). */
public interface OptimizerProvider extends Provider {

  /**
   * An optimizer over {@code groups}, with options validated against {@link #options()}; each
   * group's overrides are validated against the same schema.
   */
  Optimizer create(Options options, List<ParameterGroup> groups);
}

package dev.heed.core.optim.support;

import dev.heed.core.plugin.Options;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Values read once from each parameter group's options when the optimizer is built (parsed tuples
 * such as {@code betas}, a group's update program), found again from the options object that {@link
 * GroupedOptimizer#update} receives, so nothing is parsed per parameter and step.
 *
 * @param <S> what is read from one group's options
 */
public final class PerGroup<S> {
  private final Map<Options, S> values = new IdentityHashMap<>();

  /** Reads {@code read} of each distinct options object of {@code settings}. */
  public PerGroup(List<Options> settings, Function<Options, S> read) {
    for (Options o : settings) {
      values.computeIfAbsent(o, read);
    }
  }

  /**
   * What was read from {@code options}.
   *
   * @throws IllegalArgumentException when they are not one of the groups' options
   */
  public S get(Options options) {
    S s = values.get(options);
    if (s == null) {
      throw new IllegalArgumentException("options that belong to no parameter group: " + options);
    }
    return s;
  }
}

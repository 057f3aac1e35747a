package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/** Fills a new parameter with starting values. Implementations are immutable and thread-safe. */
public interface Initializer {

  /**
   * Overwrites {@code target} in place.
   *
   * @param target a parameter tensor that is not yet on any tape
   * @param fan the fans of the weight, for scale-aware schemes
   * @param seed the random stream to draw from (see {@link dev.heed.core.backend.CounterRandom})
   */
  void initialize(Tensor target, Fan fan, long seed);
}

package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/** A differentiable measure of error between predictions and targets. Immutable and thread-safe. */
public interface Loss {

  /**
   * The loss as a rank-0 tensor on the tape.
   *
   * @param prediction the model output, {@code [batch, ...]}
   * @param target the expected output; the accepted shapes are documented by each loss
   * @throws IllegalArgumentException when the shapes do not fit, naming both
   */
  Tensor compute(Tensor prediction, Tensor target);
}

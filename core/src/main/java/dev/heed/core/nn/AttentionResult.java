package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What an attention unit returns: the attended values, and the weights, which may be computed only
 * when asked for ({@link #lazy}): a fused attention kernel need not materialise them, so a unit
 * whose weights nobody reads pays nothing for them.
 */
public final class AttentionResult {
  private final Tensor output;
  private Supplier<Tensor> pending;
  private Tensor weights;

  /**
   * @param output the attended values; the shape is documented by each unit
   * @param weights the normalised attention weights (for inspection and plots), each distribution
   *     summing to 1 over the keys (or gates in [0, 1] for gated feature attention)
   */
  public AttentionResult(Tensor output, Tensor weights) {
    this.output = output;
    this.weights = weights;
  }

  private AttentionResult(Tensor output, Supplier<Tensor> weights) {
    this.output = output;
    this.pending = weights;
  }

  /**
   * A result whose weights are computed by {@code weights} on the first call of {@link #weights()},
   * which must come while the tensors of the forward pass are still open (in the same scope).
   */
  public static AttentionResult lazy(Tensor output, Supplier<Tensor> weights) {
    return new AttentionResult(output, Objects.requireNonNull(weights, "weights"));
  }

  /** The attended values. */
  public Tensor output() {
    return output;
  }

  /** The attention weights, computed on the first call when the result is {@link #lazy}. */
  public Tensor weights() {
    if (pending != null) {
      weights = pending.get();
      pending = null;
    }
    return weights;
  }

  @Override
  public String toString() {
    return "AttentionResult[output="
        + output
        + ", weights="
        + (pending != null ? "(not computed)" : weights)
        + "]";
  }
}

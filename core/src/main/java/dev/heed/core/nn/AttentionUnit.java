package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/**
 * Scores queries against keys, normalises the scores into weights, and returns the weighted values
 * together with the weights. Units own their projection parameters. Not thread-safe.
 */
public interface AttentionUnit extends Module {

  /**
   * Attends.
   *
   * @param query queries (see {@link AttentionSpec} for shapes)
   * @param key keys; may be the same tensor as {@code query} (self-attention)
   * @param value values; may be the same tensor as {@code key}
   * @param mask null, or an additive mask broadcastable to the scores {@code [batch, queries,
   *     keys]}: 0 keeps a position, {@code -∞} removes it (its weight becomes exactly 0)
   * @param ctx training flag and seeds (attention dropout)
   */
  AttentionResult attend(Tensor query, Tensor key, Tensor value, Tensor mask, ForwardContext ctx);
}

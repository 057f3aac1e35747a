package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/**
 * A layer that keeps the attention weights of its last forward pass for inspection (heatmaps),
 * whatever module implements it.
 */
public interface AttentionWeightsSource {

  /**
   * The weights of the last forward pass, owned by that pass's scope, or null before the first
   * pass: {@code [batch, features]} for feature attention, {@code [batch, queries, keys]} or {@code
   * [batch, heads, queries, keys]} for sequences.
   */
  Tensor lastAttentionWeights();
}

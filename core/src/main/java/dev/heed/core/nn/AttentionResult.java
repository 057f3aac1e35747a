package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/**
 * What an attention unit returns.
 *
 * @param output the attended values; the shape is documented by each unit
 * @param weights the normalised attention weights (for inspection and plots), each distribution
 *     summing to 1 over the keys (or gates in [0, 1] for gated feature attention)
 */
public record AttentionResult(Tensor output, Tensor weights) {}

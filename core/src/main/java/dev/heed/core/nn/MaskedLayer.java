package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/**
 * A layer over sequences {@code [batch, time, features]} that can take an additive attention mask
 * (transformer encoder layers and stacks, pooling heads). {@link #forward(Tensor, ForwardContext)}
 * is the call without a mask.
 */
public interface MaskedLayer extends Layer {

  /**
   * Computes the output.
   *
   * @param input {@code [batch, time, features]}
   * @param mask null, or an additive mask broadcastable to the scores {@code [batch, time, time]}
   *     (0 keeps a key, {@code -∞} removes it), for example {@link AttentionMasks#keyPadding} or
   *     {@link AttentionMasks#fromLengths} ({@code [batch, 1, time]}), {@link
   *     AttentionMasks#causal}, or their sum
   * @param ctx training flag and random seeds
   */
  Tensor forward(Tensor input, Tensor mask, ForwardContext ctx);

  @Override
  default Tensor forward(Tensor input, ForwardContext ctx) {
    return forward(input, null, ctx);
  }
}

package dev.heed.pretrained;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.Tensor;
import dev.heed.pretrained.blocks.KvCache;

/** A causal language model (GPT-2, Llama): token ids in, next-token logits out. */
public sealed interface DecoderModel extends PretrainedModel permits Gpt2, Llama {

  /**
   * The outputs of one forward pass.
   *
   * @param hidden the final normalised hidden states {@code [B, T, hidden]}
   * @param logits {@code [B, T, vocab]}
   */
  record Output(Tensor hidden, Tensor logits) {}

  /**
   * Runs INT32 token ids {@code [B, T]}, causally. With a {@code cache} they stand after the
   * positions it holds, their keys and values are appended to it, and only they are computed (the
   * prefix is not re-run); without, they start at position 0.
   */
  default Output forward(Tensor ids, KvCache cache, ForwardContext ctx) {
    return forward(ids, null, cache, ctx);
  }

  /**
   * Runs like {@link #forward(Tensor, KvCache, ForwardContext)} with Hugging Face's {@code
   * attention_mask}: {@code [B, past + T]}, nonzero for real tokens and 0 for padding (a batch of
   * prompts of different lengths is padded on the left). Padded keys are hidden, and each token's
   * position counts only the real tokens before it, so a padded row computes what it computes
   * alone. Null for no padding.
   */
  default Output forward(Tensor ids, Tensor attentionMask, KvCache cache, ForwardContext ctx) {
    Tensor hidden = hidden(ids, attentionMask, cache, ctx);
    return new Output(hidden, logits(hidden));
  }

  /**
   * The final normalised hidden states {@code [B, T, hidden]} of {@link #forward(Tensor, Tensor,
   * KvCache, ForwardContext)}, without the LM head (generation projects only the last position).
   */
  Tensor hidden(Tensor ids, Tensor attentionMask, KvCache cache, ForwardContext ctx);

  /** The LM head: logits {@code [..., vocab]} of hidden states {@code [..., hidden]}. */
  Tensor logits(Tensor hidden);

  /** The positions the model supports (prompt and generated tokens together). */
  int maxPositions();

  /** An empty cache for {@code batch} sequences of up to {@code capacity} positions. */
  KvCache newCache(int batch, int capacity);
}

package dev.heed.pretrained;

import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;

/**
 * Sentence embeddings from an encoder's hidden states, as sentence-transformers computes them: the
 * mean over the real tokens. Built from core operations, so it differentiates.
 */
public final class Pooling {
  private Pooling() {}

  /**
   * The mean of {@code hidden [B, T, H]} over the positions where {@code attentionMask [B, T]}
   * (INT32 or float) is nonzero; a null mask averages every position.
   */
  public static Tensor mean(Tensor hidden, Tensor attentionMask) {
    if (attentionMask == null) {
      return Reductions.mean(hidden, 1, false);
    }
    if (attentionMask.rank() != 2
        || attentionMask.dim(0) != hidden.dim(0)
        || attentionMask.dim(1) != hidden.dim(1)) {
      throw new IllegalArgumentException(
          "mean pooling: the mask "
              + attentionMask.shape()
              + " does not fit hidden states "
              + hidden.shape()
              + " (expected [B, T])");
    }
    Tensor keep = Shapes.unsqueeze(attentionMask.to(hidden.dtype()), 2);
    Tensor sum = Reductions.sum(hidden.mul(keep), 1, false);
    return sum.div(Reductions.sum(keep, 1, false));
  }
}

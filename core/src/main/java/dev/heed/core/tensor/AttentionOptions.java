package dev.heed.core.tensor;

/**
 * The options of {@link AttentionOps#attention}: a mask, the causal rule, the scale and dropout.
 * Immutable; start from {@link #defaults()} and change what differs.
 *
 * @param mask null, or a mask broadcastable to {@code [B, H, Tq, Tk]}: additive (0 keeps a key,
 *     {@code -∞} hides it) or, when {@code booleanMask}, nonzero where a key may be seen (as
 *     PyTorch's boolean {@code attn_mask})
 * @param booleanMask whether {@code mask} holds keep-flags rather than additive values
 * @param causal whether key {@code j} is hidden from query {@code i} when {@code j > i + Tk - Tq}
 *     (the usual lower triangle when {@code Tq = Tk}; aligned to the last key otherwise, so one new
 *     query over a cache sees every key)
 * @param scale the factor of the scores; NaN for the default {@code 1/√d}
 * @param dropout probability of dropping a weight in training (0 for none)
 * @param training whether dropout applies
 * @param seed the random stream of the dropout mask
 */
public record AttentionOptions(
    Tensor mask,
    boolean booleanMask,
    boolean causal,
    double scale,
    double dropout,
    boolean training,
    long seed) {

  /** Checks the dropout probability. */
  public AttentionOptions {
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException(
          "attention: dropout probability must be in [0, 1), got " + dropout);
    }
  }

  /** No mask, not causal, scale {@code 1/√d}, no dropout. */
  public static AttentionOptions defaults() {
    return new AttentionOptions(null, false, false, Double.NaN, 0, false, 0);
  }

  /** These options with an additive mask (null for none). */
  public AttentionOptions withMask(Tensor additive) {
    return new AttentionOptions(additive, false, causal, scale, dropout, training, seed);
  }

  /** These options with a boolean mask: nonzero where a key may be seen. */
  public AttentionOptions withBooleanMask(Tensor keep) {
    return new AttentionOptions(keep, keep != null, causal, scale, dropout, training, seed);
  }

  /** These options with the causal rule on or off. */
  public AttentionOptions withCausal(boolean on) {
    return new AttentionOptions(mask, booleanMask, on, scale, dropout, training, seed);
  }

  /** These options with the given scale of the scores. */
  public AttentionOptions withScale(double factor) {
    return new AttentionOptions(mask, booleanMask, causal, factor, dropout, training, seed);
  }

  /**
   * These options with dropout {@code p}, applied when {@code training}, from stream {@code seed}.
   */
  public AttentionOptions withDropout(double p, boolean training, long seed) {
    return new AttentionOptions(mask, booleanMask, causal, scale, p, training, seed);
  }

  /** The dropout probability in effect: {@link #dropout} when training, else 0. */
  public double activeDropout() {
    return training ? dropout : 0;
  }
}

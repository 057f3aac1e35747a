package dev.heed.core.backend;

/**
 * Optional fused scaled dot-product attention, forward and backward, as {@link AttentionProblem}
 * defines it: masks, the causal rule, dropout and grouped-query heads included. Core's {@code
 * AttentionOps.attention} uses it when a backend offers it and {@link #supports} the call, and
 * otherwise composes the same function from primitive kernels; the results agree within the
 * contract tolerances (the testkit's {@code FusedAttentionContract}).
 *
 * <p>A kernel may work flash-style, one block of keys at a time with a running maximum and sum,
 * without materialising the {@code [queries, keys]} weights: the forward writes each row's
 * log-sum-exp, and the backward recomputes the weights from it.
 *
 * <p>Operands are views ({@link Layout}s with any strides, as for {@link Backend#binary}) of
 * buffers of one floating-point type that belong to the backend: {@code q [B, H, Tq, d]}, {@code k
 * [B, Hkv, Tk, d]}, {@code v [B, Hkv, Tk, dv]}, an optional additive {@code mask} broadcast to
 * {@code [B, H, Tq, Tk]} (strides 0 where it broadcasts; {@code -∞} hides a key), and {@code out
 * [B, H, Tq, dv]}, which does not overlap itself or any input. {@code lse} is contiguous {@code [B,
 * H, Tq]} from element 0: the natural logarithm of each row's softmax denominator, {@code log Σ_j
 * exp(score[i, j])} over the visible keys ({@code -∞} for a row with none). Gradients are
 * contiguous from element 0, with the shapes of what they are gradients of, and are overwritten.
 * Core validates every argument before calling.
 */
public interface FusedAttention extends Capability {

  /**
   * Whether this backend runs the call fused (otherwise core uses the composite).
   *
   * @param dtype the operands' element type
   * @param problem the sizes and options
   * @param masked whether there is a mask
   */
  boolean supports(DType dtype, AttentionProblem problem, boolean masked);

  /**
   * Writes {@code out}, {@code lse} and, when {@code weights} is not null, the weights before
   * dropout (contiguous {@code [B, H, Tq, Tk]} from element 0).
   *
   * @param mask null for none (then {@code maskLayout} is null too)
   * @param weights null when the weights are not wanted
   */
  void forward(
      AttentionProblem problem,
      Buffer q,
      Layout qLayout,
      Buffer k,
      Layout kLayout,
      Buffer v,
      Layout vLayout,
      Buffer mask,
      Layout maskLayout,
      Buffer out,
      Layout outLayout,
      Buffer lse,
      Buffer weights);

  /**
   * The gradients of {@code out} in {@link #forward} for the output gradient {@code gOut} (a view
   * {@code [B, H, Tq, dv]}), given {@code out} and {@code lse} as forward wrote them: with {@code
   * P} the weights, {@code Z} the dropout's kept-and-scaled factors and {@code D[i] = Σ gOut[i] ∘
   * out[i]}: {@code gv = (P∘Z)ᵀ·gOut}, {@code gS = P ∘ ((gOut·vᵀ)∘Z - D)·scale}, {@code gq = gS·k},
   * {@code gk = gSᵀ·q}, key-head gradients summed over their group of query heads. Each of {@code
   * gq [B, H, Tq, d]}, {@code gk [B, Hkv, Tk, d]}, {@code gv [B, Hkv, Tk, dv]} is overwritten, or
   * skipped when null. The mask gets no gradient.
   */
  void backward(
      AttentionProblem problem,
      Buffer q,
      Layout qLayout,
      Buffer k,
      Layout kLayout,
      Buffer v,
      Layout vLayout,
      Buffer mask,
      Layout maskLayout,
      Buffer out,
      Layout outLayout,
      Buffer lse,
      Buffer weights,
      Buffer gOut,
      Layout gOutLayout,
      Buffer gq,
      Buffer gk,
      Buffer gv);
}

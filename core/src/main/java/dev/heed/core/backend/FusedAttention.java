package dev.heed.core.backend;

/**
 * Optional fused scaled dot-product attention, forward and backward, without mask or dropout:
 * {@code weights = softmax(scale·q·kᵀ)} along the keys and {@code out = weights·v}, for each of
 * {@code batch} independent problems. Core's {@code AttentionOps.scaledDotProduct} uses it when a
 * backend offers it for the tensors' type and the call has no mask and no active dropout; otherwise
 * it composes the same function from primitive kernels, and the results agree within the contract
 * tolerances.
 *
 * <p>All buffers are contiguous, from element 0, of one floating-point type, and belong to the
 * backend that offers the capability: {@code q [batch, tq, d]}, {@code k [batch, tk, d]}, {@code v
 * [batch, tk, dv]}, {@code weights [batch, tq, tk]}, {@code out [batch, tq, dv]}, and the gradients
 * with the shapes of what they are gradients of. Outputs must not alias inputs.
 */
public interface FusedAttention extends Capability {

  /** Whether buffers of {@code dtype} are handled (otherwise core uses the composite). */
  boolean supports(DType dtype);

  /** Writes the attention {@code weights} and the attended values {@code out}. */
  void forward(
      Buffer q,
      Buffer k,
      Buffer v,
      int batch,
      int tq,
      int tk,
      int d,
      int dv,
      double scale,
      Buffer weights,
      Buffer out);

  /**
   * The gradients of {@code out} in {@link #forward} for the output gradient {@code gOut}, given
   * the {@code weights} that forward wrote: {@code gv = weightsᵀ·gOut}, {@code gS = weights ∘ (gW -
   * rowsum(gW ∘ weights))·scale} with {@code gW = gOut·vᵀ}, {@code gq = gS·k}, {@code gk = gSᵀ·q}.
   * Each of {@code gq}, {@code gk}, {@code gv} is overwritten, or skipped when null.
   */
  void backward(
      Buffer gOut,
      Buffer q,
      Buffer k,
      Buffer v,
      Buffer weights,
      int batch,
      int tq,
      int tk,
      int d,
      int dv,
      double scale,
      Buffer gq,
      Buffer gk,
      Buffer gv);
}

package dev.heed.core.backend;

/**
 * Optional fused multi-head self-attention on one packed input projection, forward and backward,
 * without mask or dropout: what {@code nn.MultiheadAttention} computes between its input and output
 * projections. Core's {@code AttentionOps.selfAttention} uses it when a backend offers it for the
 * tensor's type and the call has no active dropout; otherwise it splits the heads with copies and
 * runs {@code AttentionOps.scaledDotProduct}, and the results agree within the contract tolerances.
 *
 * <p>{@code qkv [batch, t, 3, heads, d]} holds, for every position, the queries, then the keys,
 * then the values, each as {@code heads} heads of {@code d} features (the output of one linear map
 * to {@code 3·heads·d} features). For each batch entry {@code b} and head {@code h}, with {@code
 * q}, {@code k}, {@code v} that head's {@code [t, d]} matrices: {@code weights[b, h] =
 * softmax(scale·q· kᵀ)} along the keys and {@code out[b, :, h, :] = weights[b, h]·v}, so {@code out
 * [batch, t, heads, d]} has the heads merged back, ready for the output projection.
 *
 * <p>All buffers are contiguous, from element 0, of one floating-point type, and belong to the
 * backend that offers the capability. Outputs must not alias inputs.
 */
public interface FusedSelfAttention extends Capability {

  /** Whether buffers of {@code dtype} are handled (otherwise core uses the composite). */
  boolean supports(DType dtype);

  /**
   * Writes the attention {@code weights [batch, heads, t, t]} and {@code out [batch, t, heads, d]}.
   */
  void forward(
      Buffer qkv, int batch, int t, int heads, int d, double scale, Buffer weights, Buffer out);

  /**
   * The gradient of {@code out} in {@link #forward} with respect to {@code qkv}, for the output
   * gradient {@code gOut [batch, t, heads, d]}, given the {@code weights} that forward wrote: per
   * head as in {@link FusedAttention#backward}; overwrites all of {@code gQkv [batch, t, 3, heads,
   * d]}.
   */
  void backward(
      Buffer gOut,
      Buffer qkv,
      Buffer weights,
      int batch,
      int t,
      int heads,
      int d,
      double scale,
      Buffer gQkv);
}

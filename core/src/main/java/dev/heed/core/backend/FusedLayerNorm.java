package dev.heed.core.backend;

/**
 * Optional fused layer normalisation over the last axis, forward and backward, as PyTorch's {@code
 * nn.LayerNorm(d)} with the biased variance. Core's {@code AttentionOps.layerNorm} uses it when a
 * backend offers it for the tensor's type, and otherwise composes the same function from primitive
 * kernels; the results agree within the contract tolerances.
 *
 * <p>All buffers are contiguous, of one floating-point type, from element 0, and belong to the
 * backend that offers the capability. {@code x}, {@code y}, {@code gy} and {@code gx} are {@code
 * [rows, d]}; {@code weight}, {@code bias}, {@code gWeight} and {@code gBias} are {@code [d]};
 * {@code mean} and {@code rstd} are {@code [rows]}. Outputs must not alias inputs.
 */
public interface FusedLayerNorm extends Capability {

  /** Whether buffers of {@code dtype} are handled (otherwise core uses the composite). */
  boolean supports(DType dtype);

  /**
   * {@code y = (x - mean)·rstd·weight + bias} per row, with {@code rstd = 1/√(var + eps)}; also
   * writes each row's mean and rstd for {@link #backward}.
   *
   * @param weight null for none (a weight of ones)
   * @param bias null for none (a bias of zeros)
   */
  void forward(
      Buffer x,
      Buffer weight,
      Buffer bias,
      int rows,
      int d,
      double eps,
      Buffer y,
      Buffer mean,
      Buffer rstd);

  /**
   * The gradients of {@link #forward} for the output gradient {@code gy}: writes {@code gx}
   * (overwriting), and {@code gWeight = Σ_rows gy·x̂} and {@code gBias = Σ_rows gy} (overwriting)
   * when they are not null.
   */
  void backward(
      Buffer gy,
      Buffer x,
      Buffer weight,
      Buffer mean,
      Buffer rstd,
      int rows,
      int d,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias);
}

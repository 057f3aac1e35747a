package dev.heed.core.backend;

/**
 * Optional fused batch normalisation in training mode, forward and backward, as PyTorch's {@code
 * nn.BatchNorm1d}/{@code 2d} compute it from the batch's statistics: each channel of {@code x}
 * {@code [N, C, S]} is normalised by its mean and biased variance over the batch and the positions,
 * then scaled and shifted per channel. Core's {@code NeuralOps.batchNorm} uses it when a backend
 * offers it for the tensor's type, and otherwise composes the same function from primitive kernels;
 * the results agree within the contract tolerances.
 *
 * <p>All buffers are contiguous, of one floating-point type, from element 0, and belong to the
 * backend that offers the capability: {@code x}, {@code y}, {@code gy} and {@code gx} {@code [N, C,
 * S]}; {@code weight}, {@code bias}, {@code mean}, {@code var}, {@code gWeight} and {@code gBias}
 * {@code [C]}. Outputs do not alias inputs.
 */
public interface FusedBatchNorm extends Capability {

  /** Whether buffers of {@code dtype} are handled (otherwise core uses the composite). */
  boolean supports(DType dtype);

  /**
   * {@code y = (x - mean)·rstd·weight + bias} per channel, with {@code rstd = 1/√(var + eps)};
   * writes each channel's mean and biased variance.
   *
   * @param weight null for none (a weight of ones)
   * @param bias null for none (a bias of zeros)
   */
  void forward(
      Buffer x,
      Buffer weight,
      Buffer bias,
      int n,
      int c,
      int s,
      double eps,
      Buffer y,
      Buffer mean,
      Buffer var);

  /**
   * The gradients of {@link #forward} for the output gradient {@code gy} (the statistics are those
   * of the batch, so they carry gradient too): writes {@code gx}, and {@code gWeight = Σ gy·x̂} and
   * {@code gBias = Σ gy} over the batch and positions, each overwritten and skipped when null.
   *
   * @param weight null for none
   */
  void backward(
      Buffer gy,
      Buffer x,
      Buffer weight,
      Buffer mean,
      Buffer var,
      int n,
      int c,
      int s,
      double eps,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias);
}

package dev.heed.core.backend;

/**
 * Optional fused two-dimensional convolution, forward and backward, as {@link ConvProblem} defines
 * it. Core's {@code Convolution.conv2d} uses it when a backend offers it for the tensor's type and
 * the problem, and otherwise composes the same function from primitive kernels (sliding-window
 * views, one copy into columns, one batched product); the results agree within the contract
 * tolerances.
 *
 * <p>All buffers are contiguous, of one floating-point type, from element 0, and belong to the
 * backend that offers the capability: {@code x} and {@code gx} {@code [N, C, H, W]}, {@code weight}
 * and {@code gWeight} {@code [O, C/groups, kH, kW]}, {@code bias} and {@code gBias} {@code [O]},
 * {@code y} and {@code gy} {@code [N, O, oH, oW]}. Outputs do not alias inputs. Core never calls it
 * with an empty batch.
 */
public interface FusedConv2d extends Capability {

  /**
   * Whether buffers of {@code dtype} and this problem are handled (else core uses the composite).
   */
  boolean supports(DType dtype, ConvProblem problem);

  /**
   * Writes {@code y} (every element).
   *
   * @param bias null for none
   */
  void forward(ConvProblem problem, Buffer x, Buffer weight, Buffer bias, Buffer y);

  /**
   * The gradients for the output gradient {@code gy}, each overwritten, each skipped when null:
   * {@code gx} (the transposed convolution of {@code gy}), {@code gWeight} (the correlation of
   * {@code gy} with {@code x}, summed over the batch) and {@code gBias} ({@code gy} summed over the
   * batch and positions).
   */
  void backward(
      ConvProblem problem,
      Buffer gy,
      Buffer x,
      Buffer weight,
      Buffer gx,
      Buffer gWeight,
      Buffer gBias);
}

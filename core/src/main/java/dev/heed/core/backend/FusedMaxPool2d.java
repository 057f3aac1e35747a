package dev.heed.core.backend;

/**
 * Optional fused max pooling over windows that tile the image: {@code kH x kW} windows, {@code kH}
 * and {@code kW} apart (stride = kernel), no padding, no dilation, floor mode (rows and columns
 * past the last whole window are not read). Core's {@code Windows.maxPool2d} uses it for such
 * windows when a backend offers it for the tensor's type, and otherwise composes the same function
 * from primitive kernels; the results are the same.
 *
 * <p>All buffers are contiguous, of one floating-point type, from element 0, and belong to the
 * backend that offers the capability: {@code x} and {@code gx} {@code [N, C, H, W]} (given as
 * {@code planes = N·C} planes of {@code H x W}), {@code y} and {@code gy} {@code [N, C, H/kH,
 * W/kW]}. Outputs do not alias inputs.
 */
public interface FusedMaxPool2d extends Capability {

  /** Whether buffers of {@code dtype} are handled (otherwise core uses the composite). */
  boolean supports(DType dtype);

  /**
   * Writes each window's maximum into {@code y}; a window holding a NaN gives NaN (as the MAX
   * reduction does).
   */
  void forward(Buffer x, int planes, int h, int w, int kh, int kw, Buffer y);

  /**
   * Writes {@code gx} (every element): each window's {@code gy} at the window's first element, in
   * row-major window order, that equals the window's maximum {@code y}, or, where {@code y} is NaN,
   * at the window's last NaN; 0 elsewhere. This is PyTorch's routing: its kernels scan the window
   * in row-major order and keep an element when it is larger than the maximum so far or NaN.
   */
  void backward(Buffer gy, Buffer x, Buffer y, int planes, int h, int w, int kh, int kw, Buffer gx);
}

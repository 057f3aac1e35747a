package dev.heed.vision;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/**
 * PyTorch's {@code nn.AdaptiveAvgPool2d(output_size)}: output cell {@code (i, j)} of an {@code H ×
 * W} image averages rows {@code [⌊i·H/oH⌋, ⌈(i+1)·H/oH⌉)} and the columns alike. The windows may
 * differ in size, so it is computed as {@code Pₕ · x · P_wᵀ} with averaging matrices {@code Pₕ [oH,
 * H]} and {@code P_w [oW, W]}: two batched products, whatever the sizes. No parameters.
 */
final class AdaptiveAvgPool2d implements Layer {
  private final int outH;
  private final int outW;
  private final ImageShape flat;

  /**
   * @param flat the image of a flat input row, or null to take images only
   */
  AdaptiveAvgPool2d(int outH, int outW, ImageShape flat) {
    if (outH < 1 || outW < 1) {
      throw new IllegalArgumentException(
          "adaptive-avg-pool2d: the output size must be positive, got " + outH + "×" + outW);
    }
    this.outH = outH;
    this.outW = outW;
    this.flat = flat;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = Images.images("adaptive-avg-pool2d", input, flat);
    int h = x.dim(2);
    int w = x.dim(3);
    Tensor ph = Tensors.of(x.backend(), x.dtype(), averaging(outH, h), outH, h);
    Tensor pw = Tensors.of(x.backend(), x.dtype(), averaging(outW, w), outW, w);
    Tensor y = Linalg.matmul(Linalg.matmul(ph, x), pw, false, true);
    return Images.like(y, input);
  }

  /** {@code [out, n]}: row {@code i} averages {@code [⌊i·n/out⌋, ⌈(i+1)·n/out⌉)}. */
  static double[] averaging(int out, int n) {
    double[] m = new double[out * n];
    for (int i = 0; i < out; i++) {
      int start = (int) Math.floorDiv((long) i * n, out);
      int end = (int) -Math.floorDiv(-(long) (i + 1) * n, out);
      for (int j = start; j < end; j++) {
        m[i * n + j] = 1.0 / (end - start);
      }
    }
    return m;
  }
}

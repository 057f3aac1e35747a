package dev.heed.core.backend;

/**
 * The sizes and options of one two-dimensional convolution, in core's terms (PyTorch's {@code
 * conv2d}, which is a cross-correlation): for batch entry {@code n}, output channel {@code o} of
 * group {@code g = o / (outChannels / groups)} and output position {@code (i, j)},
 *
 * <pre>
 *   out[n, o, i, j] = bias[o] + Σ_{c, p, q} weight[o, c, p, q]
 *                       · x[n, g·Cg + c, i·strideH - padH + p·dilationH, j·strideW - padW + q·dilationW]
 * </pre>
 *
 * with {@code Cg = inChannels / groups}, {@code c < Cg}, {@code p < kernelH}, {@code q < kernelW},
 * and {@code x} read as 0 outside the image. Shapes: {@code x} {@code [batch, inChannels, height,
 * width]}, {@code weight} {@code [outChannels, Cg, kernelH, kernelW]}, {@code bias} {@code
 * [outChannels]}, {@code out} {@code [batch, outChannels, outHeight(), outWidth()]}.
 *
 * @param batch batch entries N
 * @param inChannels input channels C, a multiple of {@code groups}
 * @param height input height H
 * @param width input width W
 * @param outChannels output channels O, a multiple of {@code groups}
 * @param kernelH kernel height
 * @param kernelW kernel width
 * @param strideH vertical stride, at least 1
 * @param strideW horizontal stride, at least 1
 * @param padH zero rows above and below
 * @param padW zero columns left and right
 * @param dilationH vertical spacing of the kernel's taps, at least 1
 * @param dilationW horizontal spacing of the kernel's taps, at least 1
 * @param groups channel groups (depthwise when it equals {@code inChannels})
 */
public record ConvProblem(
    int batch,
    int inChannels,
    int height,
    int width,
    int outChannels,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    int dilationH,
    int dilationW,
    int groups) {

  /** Checks the sizes; the messages name the offending value and what would be right. */
  public ConvProblem {
    if (batch < 0 || inChannels < 1 || height < 1 || width < 1 || outChannels < 1) {
      throw new IllegalArgumentException(
          "convolution: invalid sizes batch="
              + batch
              + " in_channels="
              + inChannels
              + " height="
              + height
              + " width="
              + width
              + " out_channels="
              + outChannels);
    }
    if (kernelH < 1
        || kernelW < 1
        || strideH < 1
        || strideW < 1
        || dilationH < 1
        || dilationW < 1) {
      throw new IllegalArgumentException(
          "convolution: kernel size, stride and dilation must be at least 1, got kernel "
              + kernelH
              + "×"
              + kernelW
              + ", stride "
              + strideH
              + "×"
              + strideW
              + ", dilation "
              + dilationH
              + "×"
              + dilationW);
    }
    if (padH < 0 || padW < 0) {
      throw new IllegalArgumentException(
          "convolution: padding must be >= 0, got " + padH + "×" + padW);
    }
    if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "convolution: groups "
              + groups
              + " must divide in_channels "
              + inChannels
              + " and out_channels "
              + outChannels);
    }
    if (height + 2L * padH < (long) dilationH * (kernelH - 1) + 1
        || width + 2L * padW < (long) dilationW * (kernelW - 1) + 1) {
      throw new IllegalArgumentException(
          "convolution: the kernel "
              + kernelH
              + "×"
              + kernelW
              + " (dilation "
              + dilationH
              + "×"
              + dilationW
              + ") is larger than the padded input "
              + (height + 2 * padH)
              + "×"
              + (width + 2 * padW));
    }
  }

  /** Output height: {@code (H + 2·padH - dilationH·(kernelH-1) - 1) / strideH + 1}. */
  public int outHeight() {
    return (height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1;
  }

  /** Output width: {@code (W + 2·padW - dilationW·(kernelW-1) - 1) / strideW + 1}. */
  public int outWidth() {
    return (width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1;
  }

  /** Input channels per group. */
  public int groupInChannels() {
    return inChannels / groups;
  }

  /** Output channels per group. */
  public int groupOutChannels() {
    return outChannels / groups;
  }
}

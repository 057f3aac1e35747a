package dev.heed.vision;

import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;

/**
 * Moves between the flat rows of a config ({@code [B, C·H·W]}) and images {@code [B, C, H, W]}:
 * both are views of the same elements.
 */
final class Images {
  private Images() {}

  /**
   * {@code x} as images: a rank-4 input as it is, a rank-2 input viewed as {@code flat} images.
   *
   * @param flat the image of a flat row, or null when the layer takes only images
   * @throws IllegalArgumentException naming the layer, the shape found and the shape expected
   */
  static Tensor images(String owner, Tensor x, ImageShape flat) {
    if (x.rank() == 4) {
      return x;
    }
    if (x.rank() == 2 && flat != null && x.dim(1) == flat.features()) {
      return Shapes.reshape(x, x.dim(0), flat.channels(), flat.height(), flat.width());
    }
    throw new IllegalArgumentException(
        owner
            + ": expected images [batch, channels, height, width]"
            + (flat == null
                ? ""
                : " or flat rows [batch, " + flat.features() + "] of images " + flat)
            + ", got "
            + x.shape());
  }

  /** {@code y} flattened to {@code [B, features]} when the input was a flat row, else {@code y}. */
  static Tensor like(Tensor y, Tensor input) {
    return input.rank() == 2 ? Shapes.reshape(y, y.dim(0), -1) : y;
  }

  /** The output extent of a sliding window along an axis, or a message when it does not fit. */
  static int windows(String owner, int n, int kernel, int stride, int padding, int dilation) {
    long span = (long) dilation * (kernel - 1) + 1;
    if (n + 2L * padding < span) {
      throw new IllegalArgumentException(
          owner
              + ": the window spans "
              + span
              + " pixels (kernel "
              + kernel
              + ", dilation "
              + dilation
              + "), more than the "
              + (n + 2 * padding)
              + " of the padded input");
    }
    return (int) ((n + 2L * padding - span) / stride + 1);
  }
}

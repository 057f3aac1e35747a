package dev.heed.vision;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomHorizontalFlip(p)} as a layer: while training, each image is mirrored
 * left to right with probability {@code p}; in evaluation it passes unchanged. The draws come from
 * the forward pass's seed (reproducible, and validation rows are never augmented). No parameters.
 */
final class RandomFlip implements Layer {
  private final double p;
  private final ImageShape flat;

  /**
   * @param flat the image of a flat input row, or null to take images only
   */
  RandomFlip(double p, ImageShape flat) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("random-flip: p must be in [0, 1], got " + p);
    }
    this.p = p;
    this.flat = flat;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = Images.images("random-flip", input, flat);
    if (!ctx.training() || p == 0) {
      return input;
    }
    SplittableRandom random = new SplittableRandom(ctx.nextSeed());
    int n = x.dim(0);
    int w = x.dim(3);
    double[] flip = new double[n];
    for (int i = 0; i < n; i++) {
      flip[i] = random.nextDouble() < p ? 1 : 0;
    }
    int[] reversed = new int[w];
    for (int j = 0; j < w; j++) {
      reversed[j] = w - 1 - j;
    }
    Tensor mirrored = NeuralOps.indexSelect(x, 3, Tensors.indices(x.backend(), reversed, w));
    Tensor which = Tensors.of(x.backend(), x.dtype(), flip, n, 1, 1, 1);
    return Images.like(Elementwise.where(which, mirrored, x), input);
  }
}

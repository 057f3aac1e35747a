package dev.heed.vision;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Windows;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomCrop(size, padding)} with the crop as large as the image, as a layer:
 * while training, each image is padded with {@code padding} zeros on every side and a window of its
 * own size is cut at a random place (so the content shifts by up to {@code padding} pixels); in
 * evaluation it passes unchanged. The places come from the forward pass's seed, so a run is
 * reproducible under its seed and validation rows are never augmented. No parameters.
 */
final class RandomCrop implements Layer {
  private final int padding;
  private final ImageShape flat;

  /**
   * @param flat the image of a flat input row, or null to take images only
   */
  RandomCrop(int padding, ImageShape flat) {
    if (padding < 0) {
      throw new IllegalArgumentException("random-crop: padding must be >= 0, got " + padding);
    }
    this.padding = padding;
    this.flat = flat;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Tensor x = Images.images("random-crop", input, flat);
    if (!ctx.training() || padding == 0) {
      return input;
    }
    SplittableRandom random = new SplittableRandom(ctx.nextSeed());
    int h = x.dim(2);
    int w = x.dim(3);
    int p = padding;
    Tensor padded = Windows.pad(x, new int[] {0, 0, p, p}, new int[] {0, 0, p, p}, 0);
    List<Tensor> crops = new ArrayList<>(x.dim(0));
    for (int i = 0; i < x.dim(0); i++) {
      int dy = random.nextInt(2 * p + 1);
      int dx = random.nextInt(2 * p + 1);
      Tensor one = Shapes.slice(padded, 0, i, i + 1);
      one = Shapes.slice(one, 2, dy, dy + h);
      crops.add(Shapes.slice(one, 3, dx, dx + w));
    }
    return Images.like(Shapes.concat(0, crops), input);
  }
}

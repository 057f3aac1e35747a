package dev.heed.vision;

/** {@code type: max-pool2d}, PyTorch's {@code nn.MaxPool2d}: see {@link Pool2d}. */
public final class MaxPool2dProvider extends PoolProvider {

  /** Cheap; for ServiceLoader. */
  public MaxPool2dProvider() {
    super(Pool2d.Kind.MAX);
  }

  @Override
  public String name() {
    return "max-pool2d";
  }

  @Override
  public String description() {
    return "the maximum of each window of an image, PyTorch's nn.MaxPool2d";
  }
}

package dev.heed.vision;

/** {@code type: avg-pool2d}, PyTorch's {@code nn.AvgPool2d}: see {@link Pool2d}. */
public final class AvgPool2dProvider extends PoolProvider {

  /** Cheap; for ServiceLoader. */
  public AvgPool2dProvider() {
    super(Pool2d.Kind.AVG);
  }

  @Override
  public String name() {
    return "avg-pool2d";
  }

  @Override
  public String description() {
    return "the mean of each window of an image, PyTorch's nn.AvgPool2d";
  }
}

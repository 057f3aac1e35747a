package dev.heed.vision;

/** {@code type: batch-norm2d}, PyTorch's {@code nn.BatchNorm2d}: see {@link BatchNorm}. */
public final class BatchNorm2dProvider extends BatchNormProvider {

  /** Cheap; for ServiceLoader. */
  public BatchNorm2dProvider() {
    super(true);
  }

  @Override
  public String name() {
    return "batch-norm2d";
  }

  @Override
  public String description() {
    return "batch normalisation of image channels, PyTorch's nn.BatchNorm2d";
  }
}

package dev.heed.vision;

/** {@code type: batch-norm1d}, PyTorch's {@code nn.BatchNorm1d}: see {@link BatchNorm}. */
public final class BatchNorm1dProvider extends BatchNormProvider {

  /** Cheap; for ServiceLoader. */
  public BatchNorm1dProvider() {
    super(false);
  }

  @Override
  public String name() {
    return "batch-norm1d";
  }

  @Override
  public String description() {
    return "batch normalisation of features or signals, PyTorch's nn.BatchNorm1d";
  }
}

package dev.heed.activations;

import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Tensor;

/** Softmin along {@code dim}, as {@code torch.nn.Softmin}: {@code softmax(-x)}. */
public final class SoftminActivationProvider extends AxisActivationProvider {

  /** Cheap; for ServiceLoader. */
  public SoftminActivationProvider() {}

  @Override
  public String name() {
    return "softmin";
  }

  @Override
  public String description() {
    return "softmax(-x) along dim, as torch.nn.Softmin";
  }

  @Override
  Tensor apply(Tensor x, int dim) {
    return NeuralOps.softmax(Elementwise.neg(x), dim);
  }
}

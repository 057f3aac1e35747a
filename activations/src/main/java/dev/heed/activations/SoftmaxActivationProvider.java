package dev.heed.activations;

import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Tensor;

/**
 * Softmax along {@code dim}, as {@code torch.nn.Softmax}: {@code e^x / Σ e^x}, computed stably (the
 * largest element is subtracted first). Maps to the backend's softmax kernel.
 */
public final class SoftmaxActivationProvider extends AxisActivationProvider {

  /** Cheap; for ServiceLoader. */
  public SoftmaxActivationProvider() {}

  @Override
  public String name() {
    return "softmax";
  }

  @Override
  public String description() {
    return "exp(x)/sum(exp(x)) along dim, as torch.nn.Softmax";
  }

  @Override
  Tensor apply(Tensor x, int dim) {
    return NeuralOps.softmax(x, dim);
  }
}

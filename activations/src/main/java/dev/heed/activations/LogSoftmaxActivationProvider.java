package dev.heed.activations;

import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Tensor;

/**
 * Log-softmax along {@code dim}, as {@code torch.nn.LogSoftmax}: {@code x - log Σ e^x}, computed
 * stably (no overflow or {@code log 0} for large inputs) by the backend's softmax kernel.
 */
public final class LogSoftmaxActivationProvider extends AxisActivationProvider {

  /** Cheap; for ServiceLoader. */
  public LogSoftmaxActivationProvider() {}

  @Override
  public String name() {
    return "log-softmax";
  }

  @Override
  public String description() {
    return "log(softmax(x)) along dim, computed stably, as torch.nn.LogSoftmax";
  }

  @Override
  Tensor apply(Tensor x, int dim) {
    return NeuralOps.logSoftmax(x, dim);
  }
}

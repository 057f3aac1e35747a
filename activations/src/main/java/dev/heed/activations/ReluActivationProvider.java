package dev.heed.activations;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Rectified linear unit {@code max(x, 0)}, as {@code torch.nn.ReLU}; the derivative at 0 is taken
 * as 0, as in PyTorch.
 */
public final class ReluActivationProvider extends ElementwiseActivationProvider {

  /** Cheap; for ServiceLoader. */
  public ReluActivationProvider() {}

  @Override
  public String name() {
    return "relu";
  }

  @Override
  public String description() {
    return "rectified linear unit max(x, 0), as torch.nn.ReLU";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return Elementwise::relu;
  }
}

package dev.heed.activations;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * ReLU capped at 6, as {@code torch.nn.ReLU6}: {@code min(max(x, 0), 6)}. The derivative is 0 at 0
 * and at 6, as in PyTorch (which computes it as {@code hardtanh(x, 0, 6)}).
 */
public final class Relu6ActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public Relu6ActivationProvider() {}

  @Override
  public String name() {
    return "relu6";
  }

  @Override
  public String description() {
    return "min(max(x, 0), 6), as torch.nn.ReLU6";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> ActivationOps.hardtanh(x, 0, 6);
  }
}

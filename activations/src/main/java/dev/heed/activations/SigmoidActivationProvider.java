package dev.heed.activations;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Logistic sigmoid {@code 1 / (1 + e^-x)}, as {@code torch.nn.Sigmoid}; output in (0, 1), no
 * overflow for large inputs.
 */
public final class SigmoidActivationProvider extends ElementwiseActivationProvider {

  /** Cheap; for ServiceLoader. */
  public SigmoidActivationProvider() {}

  @Override
  public String name() {
    return "sigmoid";
  }

  @Override
  public java.util.List<String> aliases() {
    return java.util.List.of("logistic");
  }

  @Override
  public String description() {
    return "logistic sigmoid 1/(1+e^-x), as torch.nn.Sigmoid";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return Elementwise::sigmoid;
  }
}

package dev.heed.activations;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Hyperbolic tangent {@code tanh(x)}, as {@code torch.nn.Tanh}; output in (-1, 1). */
public final class TanhActivationProvider extends ElementwiseActivationProvider {

  /** Cheap; for ServiceLoader. */
  public TanhActivationProvider() {}

  @Override
  public String name() {
    return "tanh";
  }

  @Override
  public String description() {
    return "hyperbolic tangent, as torch.nn.Tanh";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return Elementwise::tanh;
  }
}

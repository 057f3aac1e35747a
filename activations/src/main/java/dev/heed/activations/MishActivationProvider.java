package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.mul;
import static dev.heed.core.tensor.Elementwise.tanh;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Mish, as {@code torch.nn.Mish}: {@code x·tanh(softplus(x))}, with a softplus that does not
 * overflow.
 */
public final class MishActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public MishActivationProvider() {}

  @Override
  public String name() {
    return "mish";
  }

  @Override
  public String description() {
    return "x*tanh(softplus(x)), as torch.nn.Mish";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> mul(x, tanh(ActivationOps.softplus(x)));
  }
}

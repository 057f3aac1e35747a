package dev.heed.activations;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * The identity {@code f(x) = x}, as {@code torch.nn.Identity}: the input tensor itself is returned,
 * so gradients pass through unchanged. Useful as an explicit "no activation" in configs.
 */
public final class IdentityActivationProvider extends ElementwiseActivationProvider {

  /** Cheap; for ServiceLoader. */
  public IdentityActivationProvider() {}

  @Override
  public String name() {
    return "identity";
  }

  @Override
  public java.util.List<String> aliases() {
    return java.util.List.of("linear");
  }

  @Override
  public String description() {
    return "the identity f(x) = x, as torch.nn.Identity";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return UnaryOperator.identity();
  }
}

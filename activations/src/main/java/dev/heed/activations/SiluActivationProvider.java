package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.mul;
import static dev.heed.core.tensor.Elementwise.sigmoid;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Sigmoid linear unit, as {@code torch.nn.SiLU}: {@code x·sigmoid(x)} (swish with beta 1). */
public final class SiluActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public SiluActivationProvider() {}

  @Override
  public String name() {
    return "silu";
  }

  @Override
  public String description() {
    return "sigmoid linear unit x*sigmoid(x), as torch.nn.SiLU";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> mul(x, sigmoid(x));
  }
}

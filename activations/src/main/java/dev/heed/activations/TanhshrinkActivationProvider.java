package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.sub;
import static dev.heed.core.tensor.Elementwise.tanh;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Tanh shrinkage, as {@code torch.nn.Tanhshrink}: {@code x - tanh(x)}. */
public final class TanhshrinkActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public TanhshrinkActivationProvider() {}

  @Override
  public String name() {
    return "tanhshrink";
  }

  @Override
  public String description() {
    return "x - tanh(x), as torch.nn.Tanhshrink";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> sub(x, tanh(x));
  }
}

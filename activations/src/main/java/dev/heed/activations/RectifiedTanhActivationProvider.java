package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.relu;
import static dev.heed.core.tensor.Elementwise.tanh;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Rectified tanh {@code max(0, tanh(x))} (as DL4J's {@code rectifiedtanh}); the derivative at 0 is
 * 0, as for {@code relu}.
 */
public final class RectifiedTanhActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public RectifiedTanhActivationProvider() {}

  @Override
  public String name() {
    return "rectified-tanh";
  }

  @Override
  public String description() {
    return "max(0, tanh(x)) (DL4J rectifiedtanh)";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> relu(tanh(x));
  }
}

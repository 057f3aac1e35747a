package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.pow;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/** The cube {@code x³} (as in DL4J's {@code cube} activation). */
public final class CubeActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public CubeActivationProvider() {}

  @Override
  public String name() {
    return "cube";
  }

  @Override
  public String description() {
    return "x^3";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> pow(x, 3);
  }
}

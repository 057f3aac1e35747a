package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.neg;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Logarithm of the logistic sigmoid, as {@code torch.nn.LogSigmoid}: {@code -softplus(-x)},
 * computed without overflow for large inputs of either sign.
 */
public final class LogSigmoidActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public LogSigmoidActivationProvider() {}

  @Override
  public String name() {
    return "log-sigmoid";
  }

  @Override
  public String description() {
    return "log(sigmoid(x)) computed stably, as torch.nn.LogSigmoid";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> neg(ActivationOps.softplus(neg(x)));
  }
}

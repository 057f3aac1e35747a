package dev.heed.activations;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Base of an activation that works along one axis ({@code softmax}, {@code glu}): one integer
 * option {@code dim}, as PyTorch names it, default -1 (the last axis; negative values count from
 * the end). A {@code dim} outside the input's rank is reported with the input's shape.
 */
abstract class AxisActivationProvider extends ElementwiseActivationProvider {

  /** For subclasses. */
  AxisActivationProvider() {}

  /** The function along axis {@code dim} of an input. */
  abstract Tensor apply(Tensor x, int dim);

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.integer("dim", -1, "the axis it works along; negative counts from the end"));
  }

  @Override
  protected final UnaryOperator<Tensor> function(Options options) {
    int dim = options.getInt("dim");
    return x -> {
      if (dim < -x.rank() || dim >= Math.max(x.rank(), 1)) {
        throw new IllegalArgumentException(
            "activation '"
                + name()
                + "': dim "
                + dim
                + " is not an axis of an input of shape "
                + x.shape()
                + "; expected a value in ["
                + -x.rank()
                + ", "
                + (x.rank() - 1)
                + "]");
      }
      return apply(x, dim);
    };
  }
}

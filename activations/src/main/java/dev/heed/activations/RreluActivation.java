package dev.heed.activations;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Objects;

/**
 * RReLU; see {@link RreluActivationProvider}.
 *
 * @param options the resolved options
 * @param lower lower bound of the slope
 * @param upper upper bound of the slope
 */
record RreluActivation(Options options, double lower, double upper) implements Activation {

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Objects.requireNonNull(input, "activation 'rrelu': the input is null");
    Objects.requireNonNull(ctx, "activation 'rrelu': the forward context is null");
    if (!ctx.training()) {
      return ActivationOps.leaky(input, (lower + upper) / 2);
    }
    Tensor slope =
        Tensors.uniform(
            input.backend(), input.shape(), input.dtype(), lower, upper, ctx.nextSeed());
    Tensor positive = ActivationOps.gt(input, 0);
    return Elementwise.where(positive, input, Elementwise.mul(input, slope));
  }

  @Override
  public String toString() {
    return "rrelu" + options;
  }
}

package dev.heed.activations;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/** PReLU with its learnable slope {@code weight}; see {@link PreluActivationProvider}. */
final class PreluActivation implements Activation {
  private final Options options;
  private final Parameter weight;

  PreluActivation(Options options, Parameter weight) {
    this.options = options;
    this.weight = weight;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    Objects.requireNonNull(input, "activation 'prelu': the input is null");
    int n = weight.shape().dim(0);
    Tensor slope;
    if (n == 1) {
      slope = Shapes.reshape(weight.value());
    } else {
      if (input.rank() < 2 || input.dim(1) != n) {
        throw new IllegalArgumentException(
            "activation 'prelu': "
                + n
                + " slopes apply along axis 1 (channels), but the input has shape "
                + input.shape()
                + "; expected [batch, "
                + n
                + ", ...] or num_parameters = 1");
      }
      int[] dims = new int[input.rank() - 1];
      Arrays.fill(dims, 1);
      dims[0] = n;
      slope = Shapes.reshape(weight.value(), dims);
    }
    Tensor positive = ActivationOps.gt(input, 0);
    return Elementwise.where(positive, input, Elementwise.mul(slope, input));
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return Map.of("weight", weight);
  }

  @Override
  public String toString() {
    return "prelu" + options;
  }
}

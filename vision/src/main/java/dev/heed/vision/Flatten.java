package dev.heed.vision;

import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;

/**
 * PyTorch's {@code nn.Flatten()}: {@code [N, d1, d2, …]} to {@code [N, d1·d2·…]}, a view when the
 * input's strides allow it. Flat rows pass unchanged. No parameters.
 */
final class Flatten implements Layer {

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    if (input.rank() < 2) {
      throw new IllegalArgumentException(
          "flatten: expected [batch, ...] of rank 2 or more, got " + input.shape());
    }
    return input.rank() == 2 ? input : Shapes.reshape(input, input.dim(0), -1);
  }
}

package dev.heed.core.nn;

import dev.heed.core.tensor.Tensor;

/**
 * A differentiable function of one tensor with its parameters. The forward pass is composed of core
 * operations, so its gradient comes from the tape and it runs on every backend. Layers are not
 * thread-safe; one forward pass at a time.
 */
public interface Layer extends Module {

  /**
   * Computes the output.
   *
   * @param input the input; the expected shape is documented by each layer
   * @param ctx training flag and random seeds
   * @throws IllegalArgumentException when the input shape does not fit, naming both shapes
   */
  Tensor forward(Tensor input, ForwardContext ctx);
}

package com.example.heed.activation;

import dev.heed.core.nn.Activation;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;

/**
 * The squareplus function, composed of core operations: Heed's autodiff records each of them, so
 * the gradient needs no code here and the activation runs on every backend, GPU included.
 *
 * @param b the curvature option
 */
record Squareplus(double b) implements Activation {

  @Override
  public Tensor forward(Tensor x, ForwardContext ctx) {
    Tensor root = Elementwise.sqrt(Elementwise.affine(Elementwise.square(x), 1, b));
    return Elementwise.affine(Elementwise.add(x, root), 0.5, 0);
  }

  @Override
  public String toString() {
    return "squareplus{b=" + b + "}";
  }
}

package dev.heed.core.internal.initializers;

import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.Fan;
import dev.heed.core.nn.Initializer;
import dev.heed.core.nn.InitializerProvider;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;

/** Shared parts of the built-in initializers: filling a tensor from the backend's random kernel. */
abstract class SimpleInitializerProvider implements InitializerProvider {

  /** Fills {@code t} with draws of {@code d(a, b)} from stream {@code seed}. */
  static void draw(Tensor t, Distribution d, double a, double b, long seed) {
    Tensors.fillRandom(t, d, a, b, seed);
  }

  /** Fills {@code t} with {@code value}. */
  static void constant(Tensor t, double value) {
    Elementwise.fill(t, value);
  }

  /** Gain for a nonlinearity, as {@code torch.nn.init.calculate_gain}. */
  static double gain(String nonlinearity, double negativeSlope) {
    return switch (nonlinearity) {
      case "linear", "sigmoid", "identity" -> 1.0;
      case "tanh" -> 5.0 / 3.0;
      case "relu" -> Math.sqrt(2.0);
      case "leaky_relu" -> Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
      case "selu" -> 3.0 / 4.0;
      default -> throw new IllegalArgumentException("unknown nonlinearity " + nonlinearity);
    };
  }

  /** An initializer that draws from {@code d(a, b)}. */
  static Initializer drawing(Distribution d, double a, double b) {
    return (Tensor t, Fan fan, long seed) -> draw(t, d, a, b, seed);
  }
}

package dev.heed.attention;

import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;

/** The activations of PyTorch's transformer layers: {@code relu} and exact {@code gelu}. */
final class Activations {
  static final String RELU = "relu";
  static final String GELU = "gelu";

  private Activations() {}

  /** Applies {@code name} ({@link #RELU} or {@link #GELU}, {@code 0.5·x·(1 + erf(x/√2))}). */
  static Tensor apply(String name, Tensor x) {
    return switch (name) {
      case RELU -> Elementwise.relu(x);
      case GELU ->
          Elementwise.mul(x, Elementwise.affine(Elementwise.erf(x.mul(Math.sqrt(0.5))), 0.5, 0.5));
      default ->
          throw new IllegalArgumentException(
              "activation '" + name + "' is not one of " + RELU + ", " + GELU);
    };
  }
}

package dev.heed.pretrained;

import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensor;

/** The activation functions the families name in their configs, on core operations. */
public final class Activations {
  private Activations() {}

  /** {@code gelu}: the exact {@code x·Φ(x) = x/2·(1 + erf(x/√2))}. */
  public static Tensor gelu(Tensor x) {
    return x.mul(Elementwise.erf(x.mul(1 / Math.sqrt(2))).add(1)).mul(0.5);
  }

  /**
   * {@code gelu_new} (also {@code gelu_pytorch_tanh}): {@code x/2·(1 + tanh(√(2/π)(x +
   * 0.044715x³)))}.
   */
  public static Tensor geluTanh(Tensor x) {
    Tensor inner = x.add(x.square().mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
    return x.mul(inner.tanh().add(1)).mul(0.5);
  }
}

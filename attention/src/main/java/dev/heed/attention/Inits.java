package dev.heed.attention;

import dev.heed.core.backend.Distribution;
import dev.heed.core.nn.Initializer;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Tensors;

/** The initialisers PyTorch's modules use by default, as {@link Initializer}s. */
final class Inits {
  private Inits() {}

  /** Uniform on {@code ±bound}. */
  static Initializer uniform(double bound) {
    return (t, fan, seed) -> Tensors.fillRandom(t, Distribution.UNIFORM, -bound, bound, seed);
  }

  /** Glorot/Xavier uniform: {@code ±√(6/(fanIn + fanOut))}. */
  static Initializer xavierUniform() {
    return (t, fan, seed) ->
        uniform(Math.sqrt(6.0 / (fan.fanIn() + fan.fanOut()))).initialize(t, fan, seed);
  }

  /** Normal with mean 0 and standard deviation {@code std}. */
  static Initializer normal(double std) {
    return (t, fan, seed) -> Tensors.fillRandom(t, Distribution.NORMAL, 0, std, seed);
  }

  /** A constant. */
  static Initializer constant(double value) {
    return (t, fan, seed) -> Elementwise.fill(t, value);
  }
}

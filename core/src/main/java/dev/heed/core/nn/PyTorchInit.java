package dev.heed.core.nn;

import dev.heed.core.backend.Distribution;
import dev.heed.core.tensor.Tensors;

/**
 * PyTorch's default initialisations, as {@link Initializer}s, for authors of layers and attention
 * units who want their parameters to start as the PyTorch module they port does (and to compare
 * with it).
 */
public final class PyTorchInit {
  private PyTorchInit() {}

  /**
   * The default of PyTorch's {@code nn.Linear}, for its weight and for its bias alike: uniform on
   * {@code ±1/√fanIn}. For the weight PyTorch writes it as {@code kaiming_uniform_(w, a=√5)}, whose
   * bound {@code √3·gain/√fanIn} with {@code gain = √(2/(1 + a²)) = √(1/3)} is {@code 1/√fanIn};
   * for the bias it draws from {@code U(-1/√fanIn, 1/√fanIn)} with the fan-in of the weight. Give
   * the bias the weight's {@link Fan} ({@code Fan.dense(in, out)}), as {@link Dense} does:
   *
   * <pre>{@code
   * Fan fan = Fan.dense(in, out);
   * Parameter weight = Parameter.create(ctx, Shape.of(out, in), PyTorchInit.linear(), fan);
   * Parameter bias = Parameter.create(ctx, Shape.of(out), PyTorchInit.linear(), fan);
   * }</pre>
   *
   * @throws IllegalArgumentException (when it runs) for a fan-in that is not positive
   */
  public static Initializer linear() {
    return (t, fan, seed) -> {
      double bound = linearBound(fan.fanIn());
      Tensors.fillRandom(t, Distribution.UNIFORM, -bound, bound, seed);
    };
  }

  /**
   * The bound {@code 1/√fanIn} of {@link #linear()}.
   *
   * @param fanIn inputs per output unit, positive
   * @throws IllegalArgumentException when {@code fanIn} is not positive
   */
  public static double linearBound(int fanIn) {
    if (fanIn <= 0) {
      throw new IllegalArgumentException(
          "PyTorch's nn.Linear initialisation: fan-in must be positive, got " + fanIn);
    }
    return 1.0 / Math.sqrt(fanIn);
  }
}

package dev.heed.core.nn;

import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fully connected layer {@code y = f(x·Wᵀ + b)} with PyTorch's {@code nn.Linear} layout: weight
 * {@code [out, in]} named {@code weight}, bias {@code [out]} named {@code bias}. Input {@code [...,
 * in]}, output {@code [..., out]}. Without explicit initializers it starts like {@code nn.Linear}:
 * weight and bias uniform on {@code ±1/√in} ({@link PyTorchInit#linear()}).
 */
public final class Dense implements Layer {
  private final int in;
  private final int out;
  private final Parameter weight;
  private final Parameter bias;
  private final Activation activation;

  /**
   * @param in input features
   * @param out output features
   * @param activation applied after the affine map; null for none
   * @param useBias whether the layer has a bias
   * @param weightInit initializer of the weight, or null for PyTorch's default
   * @param biasInit initializer of the bias, or null for PyTorch's default
   * @param ctx where the parameters are created
   */
  public Dense(
      int in,
      int out,
      Activation activation,
      boolean useBias,
      Initializer weightInit,
      Initializer biasInit,
      BuildContext ctx) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException(
          "dense: sizes must be positive, got in=" + in + " out=" + out);
    }
    this.in = in;
    this.out = out;
    Initializer pyTorchDefault = PyTorchInit.linear();
    Fan fan = Fan.dense(in, out);
    this.weight =
        Parameter.create(
            ctx, Shape.of(out, in), weightInit == null ? pyTorchDefault : weightInit, fan);
    this.bias =
        useBias
            ? Parameter.create(
                ctx, Shape.of(out), biasInit == null ? pyTorchDefault : biasInit, fan)
            : null;
    this.activation = activation;
  }

  /** A dense layer with a bias and PyTorch's default initialisation. */
  public Dense(int in, int out, Activation activation, BuildContext ctx) {
    this(in, out, activation, true, null, null, ctx);
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    if (input.rank() < 1 || input.dim(-1) != in) {
      throw new IllegalArgumentException(
          "dense("
              + in
              + " → "
              + out
              + "): expected input [..., "
              + in
              + "], got "
              + input.shape());
    }
    Tensor y = Linalg.linear(input, weight.value(), bias == null ? null : bias.value());
    return activation == null ? y : activation.forward(y, ctx);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("weight", weight);
    if (bias != null) {
      m.put("bias", bias);
    }
    if (activation != null) {
      activation.namedParameters().forEach((k, v) -> m.put("activation." + k, v));
    }
    return m;
  }

  /** The weight {@code [out, in]}. */
  public Parameter weight() {
    return weight;
  }

  /** The bias {@code [out]}, or null. */
  public Parameter bias() {
    return bias;
  }

  /** Input features. */
  public int inFeatures() {
    return in;
  }

  /** Output features. */
  public int outFeatures() {
    return out;
  }
}

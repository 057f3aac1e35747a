package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.add;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.erf;
import static dev.heed.core.tensor.Elementwise.mul;
import static dev.heed.core.tensor.Elementwise.pow;
import static dev.heed.core.tensor.Elementwise.tanh;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Gaussian error linear unit, as {@code torch.nn.GELU}: {@code x·Φ(x)} exactly ({@code approximate
 * = none}, through {@code erf}) or with PyTorch's tanh approximation ({@code approximate = tanh}).
 */
public final class GeluActivationProvider extends ElementwiseActivationProvider {

  private static final double INV_SQRT2 = 0.7071067811865476;
  private static final double SQRT_2_OVER_PI = 0.7978845608028654;

  /** {@code x/2·(1 + erf(x/√2))} */
  static Tensor exact(Tensor x) {
    return mul(affine(x, 0.5, 0), affine(erf(affine(x, INV_SQRT2, 0)), 1, 1));
  }

  /** {@code x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))} */
  static Tensor approximate(Tensor x) {
    Tensor inner = affine(add(x, affine(pow(x, 3), 0.044715, 0)), SQRT_2_OVER_PI, 0);
    return mul(affine(x, 0.5, 0), affine(tanh(inner), 1, 1));
  }

  /** Cheap; for ServiceLoader. */
  public GeluActivationProvider() {}

  @Override
  public String name() {
    return "gelu";
  }

  @Override
  public String description() {
    return "Gaussian error linear unit x*Phi(x), exact or tanh-approximated, as torch.nn.GELU";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.choice(
            "approximate",
            "none",
            "none: exact x*Phi(x) through erf; tanh: PyTorch's tanh approximation",
            "none",
            "tanh"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    boolean tanh = options.getString("approximate").equals("tanh");
    return tanh ? GeluActivationProvider::approximate : GeluActivationProvider::exact;
  }
}

package dev.heed.activations;

import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.activations.ActivationOps.nonPositivePart;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.expm1;
import static dev.heed.core.tensor.Elementwise.where;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Scaled exponential linear unit, as {@code torch.nn.SELU}: {@code scale·x} for {@code x > 0}, else
 * {@code scale·alpha·(e^x - 1)}, with PyTorch's constants. The derivative at 0 is {@code
 * scale·alpha}, as in PyTorch.
 */
public final class SeluActivationProvider extends ElementwiseActivationProvider {

  /** {@code alpha} of {@code torch.nn.SELU}. */
  static final double ALPHA = 1.6732632423543772848170429916717;

  /** {@code scale} of {@code torch.nn.SELU}. */
  static final double SCALE = 1.0507009873554804934193349852946;

  /** Cheap; for ServiceLoader. */
  public SeluActivationProvider() {}

  @Override
  public String name() {
    return "selu";
  }

  @Override
  public String description() {
    return "scaled ELU with the self-normalising constants, as torch.nn.SELU";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x ->
        where(gt(x, 0), affine(x, SCALE, 0), affine(expm1(nonPositivePart(x)), SCALE * ALPHA, 0));
  }
}

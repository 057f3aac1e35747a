package dev.heed.activations;

import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.activations.ActivationOps.nonPositivePart;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.expm1;
import static dev.heed.core.tensor.Elementwise.where;

import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Exponential linear unit, as {@code torch.nn.ELU}: {@code x} for {@code x > 0}, else {@code
 * alpha·(e^x - 1)}. At 0 the derivative is that of the negative piece, {@code alpha}, as PyTorch's
 * autograd takes it.
 */
public final class EluActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public EluActivationProvider() {}

  @Override
  public String name() {
    return "elu";
  }

  @Override
  public String description() {
    return "exponential linear unit x if x > 0 else alpha*(exp(x)-1), as torch.nn.ELU";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.number(
            "alpha", 1.0, "the value approached for large negative inputs is -alpha"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double alpha = options.getDouble("alpha");
    return x -> where(gt(x, 0), x, affine(expm1(nonPositivePart(x)), alpha, 0));
  }
}

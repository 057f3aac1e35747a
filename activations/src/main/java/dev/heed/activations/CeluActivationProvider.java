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
 * Continuously differentiable ELU, as {@code torch.nn.CELU}: {@code x} for {@code x > 0}, else
 * {@code alpha·(e^(x/alpha) - 1)}. The derivative at 0 is 1.
 */
public final class CeluActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public CeluActivationProvider() {}

  @Override
  public String name() {
    return "celu";
  }

  @Override
  public String description() {
    return "continuously differentiable ELU max(0,x) + min(0, alpha*(exp(x/alpha)-1)), as torch.nn.CELU";
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(OptionSpec.number("alpha", 1.0, "scale of the negative part (not 0)"));
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    double alpha = ActivationOps.nonZero("activation 'celu'", "alpha", options.getDouble("alpha"));
    return x ->
        where(gt(x, 0), x, affine(expm1(affine(nonPositivePart(x), 1 / alpha, 0)), alpha, 0));
  }
}

package dev.heed.activations;

import static dev.heed.core.tensor.Elementwise.abs;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.div;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/** Softsign, as {@code torch.nn.Softsign}: {@code x/(1 + |x|)}; derivative 1 at 0. */
public final class SoftsignActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public SoftsignActivationProvider() {}

  @Override
  public String name() {
    return "softsign";
  }

  @Override
  public String description() {
    return "x/(1+|x|), as torch.nn.Softsign";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> div(x, affine(abs(x), 1, 1));
  }
}

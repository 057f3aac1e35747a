package dev.heed.activations;

import static dev.heed.activations.ActivationOps.ge;
import static dev.heed.activations.ActivationOps.gt;
import static dev.heed.activations.ActivationOps.lt;
import static dev.heed.core.tensor.Elementwise.add;
import static dev.heed.core.tensor.Elementwise.affine;
import static dev.heed.core.tensor.Elementwise.mul;

import dev.heed.core.plugin.Options;
import dev.heed.core.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * Hard swish, as {@code torch.nn.Hardswish}: {@code x·relu6(x + 3)/6}, that is 0 for {@code x <=
 * -3}, {@code x} for {@code x >= 3} and {@code x(x + 3)/6} between. At the kinks the derivative is
 * that of the outer piece: 0 at -3 and 1 at 3, as PyTorch's {@code hardswish_backward} since
 * pytorch/pytorch#148049 ({@code x <= -3 → 0}, {@code x < 3 → g·(x/3 + 1/2)}, else {@code g}).
 * Older PyTorch differs exactly there: torch 2.6 and earlier answer -1/2 at -3 and 3/2 at 3, and
 * torch 1.13's vectorised CPU path 1 at 3 (pytorch/pytorch#136345, #147801).
 */
public final class HardswishActivationProvider extends ElementwiseActivationProvider {
  /** Cheap; for ServiceLoader. */
  public HardswishActivationProvider() {}

  @Override
  public String name() {
    return "hardswish";
  }

  @Override
  public String description() {
    return "hard swish x*relu6(x+3)/6, as torch.nn.Hardswish";
  }

  @Override
  protected UnaryOperator<Tensor> function(Options options) {
    return x -> {
      Tensor middle = mul(gt(x, -3), lt(x, 3));
      return mul(x, add(mul(affine(x, 1.0 / 6, 0.5), middle), ge(x, 3)));
    };
  }
}

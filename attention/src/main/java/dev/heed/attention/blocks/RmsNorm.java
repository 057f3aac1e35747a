package dev.heed.attention.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Elementwise;
import dev.heed.core.tensor.Reductions;
import dev.heed.core.tensor.Scope;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import dev.heed.core.tensor.Tensors;
import java.util.Map;

/**
 * Root-mean-square normalisation over the last axis, as PyTorch's {@code nn.RMSNorm(d, eps)} and
 * Llama's {@code LlamaRMSNorm}: {@code weight · x / √(mean(x²) + eps)}, no centring, no bias.
 * Parameter {@code weight [d]} (ones) when affine. Input and output {@code [..., d]}.
 */
public final class RmsNorm implements Layer {
  private final int features;
  private final double eps;
  private final Parameter weight;

  /**
   * @param features the size {@code d} of the last axis
   * @param eps added to the mean square
   * @param affine whether it learns a per-feature scale
   */
  public RmsNorm(int features, double eps, boolean affine, BuildContext ctx) {
    this.features = features;
    this.eps = eps;
    this.weight =
        affine
            ? new Parameter(
                Scope.outside(() -> Tensors.ones(ctx.backend(), Shape.of(features), ctx.dtype())))
            : null;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    if (input.rank() < 1 || input.dim(-1) != features) {
      throw new IllegalArgumentException(
          "rms norm("
              + features
              + "): expected input [..., "
              + features
              + "], got "
              + input.shape());
    }
    return apply(input, weight == null ? null : weight.value(), eps);
  }

  /** {@code weight · x / √(mean(x²) + eps)} over the last axis ({@code weight} may be null). */
  public static Tensor apply(Tensor x, Tensor weight, double eps) {
    Tensor y = x.mul(Elementwise.pow(Reductions.mean(x.square(), -1, true).add(eps), -0.5));
    return weight == null ? y : y.mul(weight);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    return weight == null ? Map.of() : Map.of("weight", weight);
  }
}

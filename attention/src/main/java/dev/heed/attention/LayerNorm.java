package dev.heed.attention;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.nn.StepLayer;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Shape;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Layer normalisation over the last axis as {@code nn.LayerNorm(d, eps, elementwise_affine)}:
 * parameters {@code weight [d]} (ones) and {@code bias [d]} (zeros) when affine. Input and output
 * {@code [..., d]}. Computed by {@link AttentionOps#layerNorm}.
 */
final class LayerNorm implements StepLayer.Positionwise {
  private final int features;
  private final double eps;
  private final Parameter weight;
  private final Parameter bias;

  LayerNorm(int features, double eps, boolean affine, BuildContext ctx) {
    this.features = features;
    this.eps = eps;
    this.weight =
        affine ? Parameter.create(ctx, Shape.of(features), Inits.constant(1), null) : null;
    this.bias = affine ? Parameter.create(ctx, Shape.of(features), Inits.constant(0), null) : null;
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    if (input.rank() < 1 || input.dim(-1) != features) {
      throw new IllegalArgumentException(
          "layer norm("
              + features
              + "): expected input [..., "
              + features
              + "], got "
              + input.shape());
    }
    return AttentionOps.layerNorm(
        input, weight == null ? null : weight.value(), bias == null ? null : bias.value(), eps);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    if (weight != null) {
      m.put("weight", weight);
      m.put("bias", bias);
    }
    return m;
  }
}

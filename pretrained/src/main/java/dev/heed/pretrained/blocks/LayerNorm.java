package dev.heed.pretrained.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/** PyTorch's {@code nn.LayerNorm(d, eps)} over the last axis: {@code weight} and {@code bias}. */
public final class LayerNorm implements Module {
  private final Parameter weight;
  private final Parameter bias;
  private final double eps;

  /** A norm over {@code d} features, weight 1 and bias 0 until loaded. */
  public LayerNorm(int d, double eps, BuildContext ctx) {
    this.weight = Weights.ones(ctx, d);
    this.bias = Weights.zeros(ctx, d);
    this.eps = eps;
  }

  /** Normalises {@code x [..., d]}. */
  public Tensor forward(Tensor x) {
    return AttentionOps.layerNorm(x, weight.value(), bias.value(), eps);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("weight", weight);
    m.put("bias", bias);
    return m;
  }
}

package dev.heed.pretrained.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's {@code nn.Linear}: {@code y = x·Wᵀ + b} with weight {@code [out, in]} named {@code
 * weight} and an optional bias {@code [out]} named {@code bias}.
 */
public final class Linear implements Module {
  private final Parameter weight;
  private final Parameter bias;

  /** A zero-filled layer from {@code in} to {@code out} features. */
  public Linear(int in, int out, boolean bias, BuildContext ctx) {
    this.weight = Weights.matrix(ctx, out, in);
    this.bias = bias ? Weights.zeros(ctx, out) : null;
  }

  /** {@code x [..., in]} to {@code [..., out]}. */
  public Tensor forward(Tensor x) {
    return Linalg.linear(x, weight.value(), bias == null ? null : bias.value());
  }

  /** The weight {@code [out, in]}. */
  public Parameter weight() {
    return weight;
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    m.put("weight", weight);
    if (bias != null) {
      m.put("bias", bias);
    }
    return m;
  }
}

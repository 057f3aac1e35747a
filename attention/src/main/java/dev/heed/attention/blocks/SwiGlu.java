package dev.heed.attention.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gated feed-forward block of Llama ({@code LlamaMLP}, Shazeer's SwiGLU): {@code
 * down_proj(silu(gate_proj(x)) · up_proj(x))} with {@code silu(z) = z·σ(z)}. Parameters {@code
 * gate_proj.weight [hidden, d]}, {@code up_proj.weight [hidden, d]}, {@code down_proj.weight [d,
 * hidden]} (and biases when asked), initialised as {@code nn.Linear}. Input and output {@code [...,
 * d]}.
 */
public final class SwiGlu implements Layer {
  private final int features;
  private final Dense gate;
  private final Dense up;
  private final Dense down;

  /**
   * @param features the size {@code d} of the input and output
   * @param hidden the size of the gated hidden layer
   * @param bias whether the projections have biases
   */
  public SwiGlu(int features, int hidden, boolean bias, BuildContext ctx) {
    this.features = features;
    this.gate = new Dense(features, hidden, null, bias, null, null, ctx);
    this.up = new Dense(features, hidden, null, bias, null, null, ctx);
    this.down = new Dense(hidden, features, null, bias, null, null, ctx);
  }

  @Override
  public Tensor forward(Tensor input, ForwardContext ctx) {
    if (input.rank() < 1 || input.dim(-1) != features) {
      throw new IllegalArgumentException(
          "swiglu(" + features + "): expected input [..., " + features + "], got " + input.shape());
    }
    return down.forward(gated(gate.forward(input, ctx), up.forward(input, ctx)), ctx);
  }

  /** {@code silu(g)·u}. */
  public static Tensor gated(Tensor g, Tensor u) {
    return g.mul(g.sigmoid()).mul(u);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    gate.namedParameters().forEach((k, p) -> m.put("gate_proj." + k, p));
    up.namedParameters().forEach((k, p) -> m.put("up_proj." + k, p));
    down.namedParameters().forEach((k, p) -> m.put("down_proj." + k, p));
    return m;
  }
}

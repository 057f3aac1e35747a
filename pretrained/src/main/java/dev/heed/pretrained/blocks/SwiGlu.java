package dev.heed.pretrained.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gated feed-forward block of Llama ({@code LlamaMLP}): {@code down(silu(gate(x)) · up(x))},
 * with {@code silu(z) = z·σ(z)} and Hugging Face's names {@code gate_proj}, {@code up_proj}, {@code
 * down_proj}.
 */
public final class SwiGlu implements Module {
  private final Linear gate;
  private final Linear up;
  private final Linear down;

  /** A block from {@code hidden} through {@code intermediate} features and back. */
  public SwiGlu(int hidden, int intermediate, boolean bias, BuildContext ctx) {
    this.gate = new Linear(hidden, intermediate, bias, ctx);
    this.up = new Linear(hidden, intermediate, bias, ctx);
    this.down = new Linear(intermediate, hidden, bias, ctx);
  }

  /** {@code x [..., hidden]} to {@code [..., hidden]}. */
  public Tensor forward(Tensor x) {
    return down.forward(gated(gate.forward(x), up.forward(x)));
  }

  /** The gate itself: {@code silu(g)·u}. */
  public static Tensor gated(Tensor g, Tensor u) {
    return g.mul(g.sigmoid()).mul(u);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    Weights.nest("gate_proj", gate, m);
    Weights.nest("up_proj", up, m);
    Weights.nest("down_proj", down, m);
    return m;
  }
}

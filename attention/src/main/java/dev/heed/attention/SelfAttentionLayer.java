package dev.heed.attention;

import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionUnit;
import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.KeptTensors;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Self-attention as a layer: {@code unit.attend(x, x, x, mask)} on {@code [B, T, d]}, output {@code
 * [B, T, d]}; with {@code causal} a causal mask is added to the one given. The unit's parameters
 * are named {@code self_attn.<name>}; the weights of the last call are kept ({@link
 * #lastWeights()}).
 */
final class SelfAttentionLayer implements MaskedLayer, AttentionWeightsSource {
  // the causal masks of the sizes seen, kept so that a forward pass uploads nothing
  private final KeptTensors<CausalMask> causalMasks = new KeptTensors<>();
  private final AttentionUnit unit;
  private final boolean causal;
  private AttentionResult last;

  SelfAttentionLayer(AttentionUnit unit, boolean causal) {
    this.unit = unit;
    this.causal = causal;
  }

  @Override
  public Tensor forward(Tensor input, Tensor mask, ForwardContext ctx) {
    if (input.rank() != 3) {
      throw new IllegalArgumentException(
          "self-attention layer: expected [batch, time, features], got " + input.shape());
    }
    Tensor m = mask;
    if (causal) {
      int t = input.dim(1);
      m =
          AttentionMasks.combine(
              m,
              causalMasks.get(
                  new CausalMask(input.backend(), input.dtype(), t),
                  () -> AttentionMasks.causal(input.backend(), input.dtype(), t, t)));
    }
    AttentionResult r = unit.attend(input, input, input, m, ctx);
    last = r;
    return r.output();
  }

  /** The attention weights of the last call, or null. */
  Tensor lastWeights() {
    return last == null ? null : last.weights();
  }

  @Override
  public Tensor lastAttentionWeights() {
    return lastWeights();
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    unit.namedParameters().forEach((k, p) -> m.put("self_attn." + k, p));
    return m;
  }
}

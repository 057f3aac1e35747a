package dev.heed.attention;

import dev.heed.core.nn.AttentionMasks;
import dev.heed.core.nn.AttentionResult;
import dev.heed.core.nn.AttentionSpec;
import dev.heed.core.nn.AttentionWeightsSource;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.KeptTensors;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A transformer encoder layer as {@code nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward,
 * dropout, activation, layer_norm_eps, batch_first=True, norm_first, bias)}.
 *
 * <pre>
 * post-norm: x = norm1(x + dropout1(self_attn(x)));  x = norm2(x + dropout2(ff(x)))
 * pre-norm:  x = x + dropout1(self_attn(norm1(x)));  x = x + dropout2(ff(norm2(x)))
 * </pre>
 *
 * <p>Input and output {@code [B, T, d_model]}; any {@code B} and {@code T}. Parameter names as
 * PyTorch's: {@code self_attn.in_proj_weight}, {@code self_attn.in_proj_bias}, {@code
 * self_attn.out_proj.weight}, {@code self_attn.out_proj.bias}, {@code linear1.weight}, {@code
 * linear1.bias}, {@code linear2.weight}, {@code linear2.bias}, {@code norm1.weight}, {@code
 * norm1.bias}, {@code norm2.weight}, {@code norm2.bias}. With {@code causal} every call adds a
 * causal mask to the one given.
 */
final class TransformerEncoderLayer implements MaskedLayer, AttentionWeightsSource {
  // the causal masks of the sizes seen, kept so that a forward pass uploads nothing
  private final KeptTensors<CausalMask> causalMasks = new KeptTensors<>();
  private final int features;
  private final MultiHeadAttention selfAttn;
  private final FeedForward ff;
  private final LayerNorm norm1;
  private final LayerNorm norm2;
  private final double dropout;
  private final boolean normFirst;
  private final boolean causal;
  private AttentionResult last;

  TransformerEncoderLayer(EncoderOptions o, int features, BuildContext ctx) {
    this.features = features;
    this.selfAttn =
        new MultiHeadAttention(
            AttentionSpec.self(features), o.heads(), o.bias(), o.dropout(), true, ctx);
    this.ff =
        new FeedForward(
            features,
            o.feedForward(),
            o.activation().provider().create(o.activation().options(), ctx),
            o.dropout(),
            o.bias(),
            ctx);
    this.norm1 = new LayerNorm(features, o.eps(), true, ctx);
    this.norm2 = new LayerNorm(features, o.eps(), true, ctx);
    this.dropout = o.dropout();
    this.normFirst = o.normFirst();
    this.causal = o.causal();
  }

  @Override
  public Tensor forward(Tensor input, Tensor mask, ForwardContext ctx) {
    if (input.rank() != 3 || input.dim(2) != features) {
      throw new IllegalArgumentException(
          "transformer encoder layer: expected input [batch, time, "
              + features
              + "], got "
              + input.shape());
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
    Tensor x = input;
    if (normFirst) {
      x = x.add(attention(norm1.forward(x, ctx), m, ctx));
      x = x.add(Dropouts.apply(ff.forward(norm2.forward(x, ctx), ctx), dropout, ctx));
    } else {
      x = norm1.forward(x.add(attention(x, m, ctx)), ctx);
      x = norm2.forward(x.add(Dropouts.apply(ff.forward(x, ctx), dropout, ctx)), ctx);
    }
    return x;
  }

  private Tensor attention(Tensor x, Tensor mask, ForwardContext ctx) {
    AttentionResult r = selfAttn.attend(x, x, x, mask, ctx);
    last = r;
    return Dropouts.apply(r.output(), dropout, ctx);
  }

  /**
   * The self-attention weights {@code [B, T, T]} (averaged over heads) of the last call, or null.
   */
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
    selfAttn.namedParameters().forEach((k, p) -> m.put("self_attn." + k, p));
    m.putAll(ff.namedParameters());
    norm1.namedParameters().forEach((k, p) -> m.put("norm1." + k, p));
    norm2.namedParameters().forEach((k, p) -> m.put("norm2." + k, p));
    return m;
  }
}

package dev.heed.attention.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Dense;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.MaskedLayer;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.AttentionOptions;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Self-attention with grouped-query heads and optional rotary positions, as Llama's {@code
 * LlamaAttention}: {@code q_proj [H·d, E]}, {@code k_proj} and {@code v_proj} {@code [Hkv·d, E]},
 * {@code o_proj [E, H·d]} (biases when asked), initialised as {@code nn.Linear}; query head {@code
 * h} reads key/value head {@code h / (H / Hkv)} through core's attention operation (no copies of
 * the shared heads). {@code Hkv = H} is ordinary multi-head attention, {@code Hkv = 1} multi-query.
 * Input and output {@code [B, T, E]}; an additive mask broadcastable to {@code [B, T, T]} removes
 * keys (padding), and {@code causal} hides later positions.
 */
public final class GroupedQueryAttention implements MaskedLayer {
  private final int embed;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final boolean causal;
  private final double dropout;
  private final RotaryEmbedding rotary;
  private final Dense q;
  private final Dense k;
  private final Dense v;
  private final Dense o;

  /**
   * @param embed the model size {@code E}
   * @param heads query heads {@code H}
   * @param kvHeads key/value heads {@code Hkv}, dividing {@code H}
   * @param headDim the size {@code d} of a head
   * @param bias whether the projections have biases
   * @param causal whether position {@code i} sees only positions {@code <= i}
   * @param rotary the rotary embedding of queries and keys, or null for none
   * @param dropout probability of dropping an attention weight in training
   */
  public GroupedQueryAttention(
      int embed,
      int heads,
      int kvHeads,
      int headDim,
      boolean bias,
      boolean causal,
      RotaryEmbedding rotary,
      double dropout,
      BuildContext ctx) {
    if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0 || headDim <= 0) {
      throw new IllegalArgumentException(
          "grouped-query attention: "
              + kvHeads
              + " key/value heads must divide "
              + heads
              + " query heads of positive size, got head size "
              + headDim);
    }
    this.embed = embed;
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.causal = causal;
    this.dropout = dropout;
    this.rotary = rotary;
    this.q = new Dense(embed, heads * headDim, null, bias, null, null, ctx);
    this.k = new Dense(embed, kvHeads * headDim, null, bias, null, null, ctx);
    this.v = new Dense(embed, kvHeads * headDim, null, bias, null, null, ctx);
    this.o = new Dense(heads * headDim, embed, null, bias, null, null, ctx);
  }

  @Override
  public Tensor forward(Tensor input, Tensor mask, ForwardContext ctx) {
    if (input.rank() != 3 || input.dim(2) != embed) {
      throw new IllegalArgumentException(
          "grouped-query attention: expected [batch, time, " + embed + "], got " + input.shape());
    }
    int b = input.dim(0);
    int t = input.dim(1);
    Tensor qh = split(q.forward(input, ctx), b, t, heads);
    Tensor kh = split(k.forward(input, ctx), b, t, kvHeads);
    Tensor vh = split(v.forward(input, ctx), b, t, kvHeads);
    if (rotary != null) {
      qh = rotary.apply(qh, 0);
      kh = rotary.apply(kh, 0);
    }
    AttentionOptions options = AttentionOptions.defaults().withCausal(causal);
    if (mask != null) {
      // [B, Tq, Tk] (or a broadcastable rank-3 or lower mask) gains the head axis
      Tensor m = mask.rank() == 3 ? Shapes.unsqueeze(mask, 1) : mask;
      options = options.withMask(m);
    }
    if (ctx.training() && dropout > 0) {
      options = options.withDropout(dropout, true, ctx.nextSeed());
    }
    Tensor a = AttentionOps.attention(qh, kh, vh, options).output();
    Tensor merged = Shapes.reshape(Shapes.permute(a, 0, 2, 1, 3), b, t, heads * headDim);
    return o.forward(merged, ctx);
  }

  private Tensor split(Tensor y, int b, int t, int h) {
    return Shapes.permute(Shapes.reshape(y, b, t, h, headDim), 0, 2, 1, 3);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    q.namedParameters().forEach((n, p) -> m.put("q_proj." + n, p));
    k.namedParameters().forEach((n, p) -> m.put("k_proj." + n, p));
    v.namedParameters().forEach((n, p) -> m.put("v_proj." + n, p));
    o.namedParameters().forEach((n, p) -> m.put("o_proj." + n, p));
    return m;
  }
}

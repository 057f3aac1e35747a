package dev.heed.pretrained.blocks;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.Module;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.AttentionOptions;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causal self-attention with grouped-query heads and rotary positions, as Llama's {@code
 * LlamaAttention}: projections {@code q_proj [H·d, hidden]}, {@code k_proj} and {@code v_proj}
 * {@code [Hkv·d, hidden]}, {@code o_proj [hidden, H·d]}; query head {@code h} reads key/value head
 * {@code h / (H / Hkv)} (core's attention operation does the grouping without copying heads).
 */
public final class GroupedQueryAttention implements Module {
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final Linear q;
  private final Linear k;
  private final Linear v;
  private final Linear o;

  /** A zero-filled block; {@code kvHeads} must divide {@code heads}. */
  public GroupedQueryAttention(
      int hidden, int heads, int kvHeads, int headDim, boolean bias, BuildContext ctx) {
    if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "grouped-query attention: "
              + kvHeads
              + " key/value heads must divide "
              + heads
              + " query heads");
    }
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.q = new Linear(hidden, heads * headDim, bias, ctx);
    this.k = new Linear(hidden, kvHeads * headDim, bias, ctx);
    this.v = new Linear(hidden, kvHeads * headDim, bias, ctx);
    this.o = new Linear(heads * headDim, hidden, bias, ctx);
  }

  /**
   * {@code x [B, T, hidden]} at positions {@code 0 … T-1}, causal; result {@code [B, T, hidden]}.
   */
  public Tensor forward(Tensor x, Rotary rotary) {
    return forward(x, rotary, null);
  }

  /**
   * {@code x [B, T, hidden]} standing after the {@code cache}'s positions (none when null): the new
   * keys and values are appended to the cache and the queries see every cached key and the new keys
   * up to their own position.
   */
  public Tensor forward(Tensor x, Rotary rotary, KvCache.Layer cache) {
    return forward(x, rotary, null, null, cache);
  }

  /**
   * As {@link #forward(Tensor, Rotary, KvCache.Layer)} for a padded batch: the new tokens stand at
   * {@code positions} (INT32 {@code [B, T]}; null for the cache's next positions) and {@code
   * keyMask} (additive, broadcastable to {@code [B, H, T, past + T]}; null for none) hides padded
   * keys.
   */
  public Tensor forward(
      Tensor x, Rotary rotary, Tensor positions, Tensor keyMask, KvCache.Layer cache) {
    int b = x.dim(0);
    int t = x.dim(1);
    int start = cache == null ? 0 : cache.length();
    Tensor qh = split(q.forward(x), b, t, heads);
    Tensor kh = split(k.forward(x), b, t, kvHeads);
    qh = positions == null ? rotary.apply(qh, start) : rotary.apply(qh, positions);
    kh = positions == null ? rotary.apply(kh, start) : rotary.apply(kh, positions);
    Tensor vh = split(v.forward(x), b, t, kvHeads);
    if (cache != null) {
      Tensor[] kv = cache.append(kh, vh);
      kh = kv[0];
      vh = kv[1];
    }
    AttentionOptions options = AttentionOptions.defaults().withCausal(true);
    if (keyMask != null) {
      options = options.withMask(keyMask);
    }
    Tensor a = AttentionOps.attention(qh, kh, vh, options).output();
    Tensor merged = Shapes.reshape(Shapes.permute(a, 0, 2, 1, 3), b, t, heads * headDim);
    return o.forward(merged);
  }

  private Tensor split(Tensor y, int b, int t, int h) {
    return Shapes.permute(Shapes.reshape(y, b, t, h, headDim), 0, 2, 1, 3);
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    Weights.nest("q_proj", q, m);
    Weights.nest("k_proj", k, m);
    Weights.nest("v_proj", v, m);
    Weights.nest("o_proj", o, m);
    return m;
  }
}

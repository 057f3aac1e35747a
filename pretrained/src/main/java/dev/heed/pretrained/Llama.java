package dev.heed.pretrained;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.Tensor;
import dev.heed.pretrained.blocks.Embedding;
import dev.heed.pretrained.blocks.GroupedQueryAttention;
import dev.heed.pretrained.blocks.KvCache;
import dev.heed.pretrained.blocks.Linear;
import dev.heed.pretrained.blocks.RmsNorm;
import dev.heed.pretrained.blocks.Rotary;
import dev.heed.pretrained.blocks.SwiGlu;
import dev.heed.pretrained.blocks.Weights;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Llama as Hugging Face's {@code modeling_llama} defines {@code LlamaForCausalLM}, with its
 * state_dict names: token embedding; pre-norm decoder layers ({@code input_layernorm} RMSNorm,
 * grouped-query self-attention with rotary positions, {@code post_attention_layernorm}, SwiGLU
 * MLP); a final RMSNorm; an LM head, tied to the embedding or not.
 */
public final class Llama implements DecoderModel {
  private final LlamaConfig config;
  private final Embedding embed;
  private final List<GroupedQueryAttention> attention = new ArrayList<>();
  private final List<SwiGlu> mlp = new ArrayList<>();
  private final List<RmsNorm> inputNorm = new ArrayList<>();
  private final List<RmsNorm> postNorm = new ArrayList<>();
  private final RmsNorm norm;
  private final Linear head;
  private final Rotary rotary;

  /** A zero-filled model of {@code config}. */
  public Llama(LlamaConfig config, BuildContext ctx) {
    this.config = config;
    int h = config.hiddenSize();
    this.embed = new Embedding(config.vocabSize(), h, ctx);
    for (int i = 0; i < config.layers(); i++) {
      attention.add(
          new GroupedQueryAttention(
              h, config.heads(), config.kvHeads(), config.headDim(), config.attentionBias(), ctx));
      mlp.add(new SwiGlu(h, config.intermediateSize(), config.mlpBias(), ctx));
      inputNorm.add(new RmsNorm(h, config.rmsNormEps(), ctx));
      postNorm.add(new RmsNorm(h, config.rmsNormEps(), ctx));
    }
    this.norm = new RmsNorm(h, config.rmsNormEps(), ctx);
    this.head = config.tieWordEmbeddings() ? null : new Linear(h, config.vocabSize(), false, ctx);
    this.rotary = new Rotary(config.invFreq(), config.maxPositions(), ctx.backend(), ctx.dtype());
  }

  /** The configuration. */
  public LlamaConfig config() {
    return config;
  }

  @Override
  public Tensor hidden(Tensor ids, Tensor attentionMask, KvCache cache, ForwardContext ctx) {
    if (ids.rank() != 2) {
      throw new IllegalArgumentException("llama: expected token ids [B, T], got " + ids.shape());
    }
    Tensor x = embed.forward(ids);
    Padding padding =
        attentionMask == null ? null : Padding.of(attentionMask, ids.dim(1), x.dtype());
    Tensor positions = padding == null ? null : padding.positions();
    Tensor keys = padding == null ? null : padding.keys();
    for (int i = 0; i < attention.size(); i++) {
      KvCache.Layer layer = cache == null ? null : cache.layer(i);
      Tensor normed = inputNorm.get(i).forward(x);
      x = x.add(attention.get(i).forward(normed, rotary, positions, keys, layer));
      x = x.add(mlp.get(i).forward(postNorm.get(i).forward(x)));
    }
    return norm.forward(x);
  }

  @Override
  public Tensor logits(Tensor hidden) {
    return head == null
        ? Linalg.linear(hidden, embed.weight().value(), null)
        : head.forward(hidden);
  }

  @Override
  public int maxPositions() {
    return config.maxPositions();
  }

  @Override
  public KvCache newCache(int batch, int capacity) {
    Tensor w = embed.weight().value();
    return new KvCache(
        config.layers(),
        batch,
        config.kvHeads(),
        config.headDim(),
        Math.min(capacity, config.maxPositions()),
        w.backend(),
        w.dtype());
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    Weights.nest("model.embed_tokens", embed, m);
    for (int i = 0; i < attention.size(); i++) {
      String p = "model.layers." + i;
      Weights.nest(p + ".self_attn", attention.get(i), m);
      Weights.nest(p + ".mlp", mlp.get(i), m);
      Weights.nest(p + ".input_layernorm", inputNorm.get(i), m);
      Weights.nest(p + ".post_attention_layernorm", postNorm.get(i), m);
    }
    Weights.nest("model.norm", norm, m);
    if (head != null) {
      Weights.nest("lm_head", head, m);
    }
    return m;
  }

  @Override
  public Map<String, String> parameterNames(Collection<String> checkpointNames) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : checkpointNames) {
      if (k.endsWith(".rotary_emb.inv_freq") || (head == null && k.equals("lm_head.weight"))) {
        // rotary frequencies are computed from the config; a tied head is the embedding
        continue;
      }
      out.put(k, k.startsWith("model.") || k.startsWith("lm_head.") ? k : "model." + k);
    }
    return out;
  }
}

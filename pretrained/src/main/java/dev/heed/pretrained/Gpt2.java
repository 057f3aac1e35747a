package dev.heed.pretrained;

import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.ForwardContext;
import dev.heed.core.nn.Parameter;
import dev.heed.core.tensor.AttentionOps;
import dev.heed.core.tensor.AttentionOptions;
import dev.heed.core.tensor.Linalg;
import dev.heed.core.tensor.NeuralOps;
import dev.heed.core.tensor.Shapes;
import dev.heed.core.tensor.Tensor;
import dev.heed.pretrained.blocks.Conv1D;
import dev.heed.pretrained.blocks.Embedding;
import dev.heed.pretrained.blocks.KvCache;
import dev.heed.pretrained.blocks.LayerNorm;
import dev.heed.pretrained.blocks.Weights;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GPT-2 as Hugging Face's {@code modeling_gpt2} defines {@code GPT2LMHeadModel}, with its
 * state_dict names: token and learned position embeddings; pre-norm blocks ({@code ln_1}, causal
 * self-attention through {@code c_attn}/{@code c_proj}, {@code ln_2}, {@code gelu_new} MLP through
 * {@code c_fc}/{@code c_proj}), all with {@code Conv1D}'s {@code [in, out]} weights; a final {@code
 * ln_f}; the LM head tied to the token embedding.
 */
public final class Gpt2 implements DecoderModel {
  private final Gpt2Config config;
  private final Embedding wte;
  private final Embedding wpe;
  private final List<Block> blocks = new ArrayList<>();
  private final LayerNorm lnF;

  /** A zero-filled model of {@code config}. */
  public Gpt2(Gpt2Config config, BuildContext ctx) {
    this.config = config;
    this.wte = new Embedding(config.vocabSize(), config.hiddenSize(), ctx);
    this.wpe = new Embedding(config.maxPositions(), config.hiddenSize(), ctx);
    for (int i = 0; i < config.layers(); i++) {
      blocks.add(new Block(config, ctx));
    }
    this.lnF = new LayerNorm(config.hiddenSize(), config.layerNormEps(), ctx);
  }

  /** The configuration. */
  public Gpt2Config config() {
    return config;
  }

  @Override
  public Tensor hidden(Tensor ids, Tensor attentionMask, KvCache cache, ForwardContext ctx) {
    int start = cache == null ? 0 : cache.length();
    if (ids.rank() != 2 || start + ids.dim(1) > config.maxPositions()) {
      throw new IllegalArgumentException(
          "gpt2: expected token ids [B, T] within "
              + config.maxPositions()
              + " positions, got "
              + ids.shape()
              + " after "
              + start);
    }
    int t = ids.dim(1);
    Padding padding =
        attentionMask == null ? null : Padding.of(attentionMask, t, wte.weight().value().dtype());
    Tensor positions =
        padding == null
            ? Shapes.slice(wpe.weight().value(), 0, start, start + t)
            : wpe.forward(padding.positions());
    Tensor x = wte.forward(ids).add(positions);
    x = dropout(x, config.embdDropout(), ctx);
    for (int i = 0; i < blocks.size(); i++) {
      x =
          blocks
              .get(i)
              .forward(
                  x,
                  padding == null ? null : padding.keys(),
                  cache == null ? null : cache.layer(i),
                  ctx);
    }
    return lnF.forward(x);
  }

  @Override
  public Tensor logits(Tensor hidden) {
    return Linalg.linear(hidden, wte.weight().value(), null);
  }

  @Override
  public int maxPositions() {
    return config.maxPositions();
  }

  @Override
  public KvCache newCache(int batch, int capacity) {
    Tensor w = wte.weight().value();
    return new KvCache(
        config.layers(),
        batch,
        config.heads(),
        config.hiddenSize() / config.heads(),
        Math.min(capacity, config.maxPositions()),
        w.backend(),
        w.dtype());
  }

  private static Tensor dropout(Tensor x, double p, ForwardContext ctx) {
    return ctx.training() && p > 0 ? NeuralOps.dropout(x, p, true, ctx.nextSeed()) : x;
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    Weights.nest("transformer.wte", wte, m);
    Weights.nest("transformer.wpe", wpe, m);
    for (int i = 0; i < blocks.size(); i++) {
      blocks.get(i).collect("transformer.h." + i, m);
    }
    Weights.nest("transformer.ln_f", lnF, m);
    return m;
  }

  @Override
  public Map<String, String> parameterNames(Collection<String> checkpointNames) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : checkpointNames) {
      if (k.equals("lm_head.weight")
          || k.endsWith(".attn.bias")
          || k.endsWith(".attn.masked_bias")) {
        // the tied head and the causal-mask buffers of older checkpoints
        continue;
      }
      out.put(k, k.startsWith("transformer.") ? k : "transformer." + k);
    }
    return out;
  }

  /** One pre-norm block. */
  private static final class Block {
    private final int heads;
    private final LayerNorm ln1;
    private final Conv1D attn;
    private final Conv1D attnProj;
    private final LayerNorm ln2;
    private final Conv1D fc;
    private final Conv1D proj;
    private final Gpt2Config config;

    Block(Gpt2Config c, BuildContext ctx) {
      int h = c.hiddenSize();
      this.config = c;
      this.heads = c.heads();
      this.ln1 = new LayerNorm(h, c.layerNormEps(), ctx);
      this.attn = new Conv1D(h, 3 * h, ctx);
      this.attnProj = new Conv1D(h, h, ctx);
      this.ln2 = new LayerNorm(h, c.layerNormEps(), ctx);
      this.fc = new Conv1D(h, c.innerSize(), ctx);
      this.proj = new Conv1D(c.innerSize(), h, ctx);
    }

    Tensor forward(Tensor x, Tensor keyMask, KvCache.Layer cache, ForwardContext ctx) {
      int b = x.dim(0);
      int t = x.dim(1);
      int h = x.dim(2);
      Tensor qkv = attn.forward(ln1.forward(x));
      Tensor q = split(Shapes.slice(qkv, 2, 0, h), b, t);
      Tensor k = split(Shapes.slice(qkv, 2, h, 2 * h), b, t);
      Tensor v = split(Shapes.slice(qkv, 2, 2 * h, 3 * h), b, t);
      if (cache != null) {
        Tensor[] kv = cache.append(k, v);
        k = kv[0];
        v = kv[1];
      }
      AttentionOptions options = AttentionOptions.defaults().withCausal(true);
      if (keyMask != null) {
        options = options.withMask(keyMask);
      }
      if (ctx.training() && config.attnDropout() > 0) {
        options = options.withDropout(config.attnDropout(), true, ctx.nextSeed());
      }
      Tensor a = AttentionOps.attention(q, k, v, options).output();
      Tensor merged = Shapes.reshape(Shapes.permute(a, 0, 2, 1, 3), b, t, h);
      x = x.add(dropout(attnProj.forward(merged), config.residDropout(), ctx));
      Tensor z = fc.forward(ln2.forward(x));
      z = config.tanhGelu() ? Activations.geluTanh(z) : Activations.gelu(z);
      return x.add(dropout(proj.forward(z), config.residDropout(), ctx));
    }

    private Tensor split(Tensor y, int b, int t) {
      return Shapes.permute(Shapes.reshape(y, b, t, heads, y.dim(2) / heads), 0, 2, 1, 3);
    }

    void collect(String prefix, Map<String, Parameter> m) {
      Weights.nest(prefix + ".ln_1", ln1, m);
      Weights.nest(prefix + ".attn.c_attn", attn, m);
      Weights.nest(prefix + ".attn.c_proj", attnProj, m);
      Weights.nest(prefix + ".ln_2", ln2, m);
      Weights.nest(prefix + ".mlp.c_fc", fc, m);
      Weights.nest(prefix + ".mlp.c_proj", proj, m);
    }
  }
}

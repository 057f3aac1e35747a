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
import dev.heed.core.tensor.Tensors;
import dev.heed.pretrained.blocks.Embedding;
import dev.heed.pretrained.blocks.LayerNorm;
import dev.heed.pretrained.blocks.Linear;
import dev.heed.pretrained.blocks.Weights;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BERT as Hugging Face's {@code modeling_bert} defines it, with its state_dict names: word,
 * position and token-type embeddings with a layer norm; post-norm encoder layers (self-attention,
 * residual, norm; GELU feed-forward, residual, norm); a tanh pooler over the first token; and a
 * sequence-classification or masked-LM head. Built from core operations: gradients come from the
 * tape, so it fine-tunes like any Heed module.
 */
public final class Bert implements PretrainedModel {
  private final BertConfig config;
  private final Embedding words;
  private final Embedding positions;
  private final Embedding types;
  private final LayerNorm embeddingNorm;
  private final List<EncoderLayer> layers = new ArrayList<>();
  private final Linear pooler;
  private final Linear classifier;
  private final Linear mlmDense;
  private final LayerNorm mlmNorm;
  private final Parameter mlmBias;

  /**
   * A zero-filled model of {@code config}; load weights with {@link dev.heed.pretrained.HfModels}.
   */
  public Bert(BertConfig config, BuildContext ctx) {
    this.config = config;
    int h = config.hiddenSize();
    this.words = new Embedding(config.vocabSize(), h, ctx);
    this.positions = new Embedding(config.maxPositions(), h, ctx);
    this.types = new Embedding(config.typeVocabSize(), h, ctx);
    this.embeddingNorm = new LayerNorm(h, config.layerNormEps(), ctx);
    for (int i = 0; i < config.layers(); i++) {
      layers.add(new EncoderLayer(config, ctx));
    }
    boolean mlm = config.head() == BertConfig.Head.MASKED_LM;
    this.pooler = mlm ? null : new Linear(h, h, true, ctx);
    this.classifier =
        config.head() == BertConfig.Head.SEQUENCE_CLASSIFICATION
            ? new Linear(h, config.labels(), true, ctx)
            : null;
    this.mlmDense = mlm ? new Linear(h, h, true, ctx) : null;
    this.mlmNorm = mlm ? new LayerNorm(h, config.layerNormEps(), ctx) : null;
    this.mlmBias = mlm ? Weights.zeros(ctx, config.vocabSize()) : null;
  }

  /** The configuration. */
  public BertConfig config() {
    return config;
  }

  /**
   * The outputs of one forward pass.
   *
   * @param hidden the encoder's last hidden states {@code [B, T, hidden]}
   * @param pooled {@code tanh(dense(hidden[:, 0]))} {@code [B, hidden]}, or null without a pooler
   * @param logits the head's output: {@code [B, labels]} or {@code [B, T, vocab]}; null without
   */
  public record Output(Tensor hidden, Tensor pooled, Tensor logits) {}

  /**
   * Runs the model.
   *
   * @param ids INT32 token ids {@code [B, T]}
   * @param attentionMask INT32 or float {@code [B, T]}, nonzero for tokens to attend to; null for
   *     all
   * @param tokenTypes INT32 segment ids {@code [B, T]}; null for all zeros
   */
  public Output forward(Tensor ids, Tensor attentionMask, Tensor tokenTypes, ForwardContext ctx) {
    if (ids.rank() != 2 || ids.dim(1) > config.maxPositions()) {
      throw new IllegalArgumentException(
          "bert: expected token ids [B, T] with T <= "
              + config.maxPositions()
              + ", got "
              + ids.shape());
    }
    int b = ids.dim(0);
    int t = ids.dim(1);
    Tensor segments =
        tokenTypes != null ? tokenTypes : Tensors.indices(ids.backend(), new int[b * t], b, t);
    Tensor x =
        words
            .forward(ids)
            .add(types.forward(segments))
            .add(Shapes.slice(positions.weight().value(), 0, 0, t));
    x = dropout(embeddingNorm.forward(x), config.hiddenDropout(), ctx);
    AttentionOptions options = AttentionOptions.defaults();
    if (attentionMask != null) {
      Tensor keep = Shapes.reshape(attentionMask.to(x.dtype()), b, 1, 1, t);
      options = options.withBooleanMask(keep);
    }
    if (ctx.training() && config.attentionDropout() > 0) {
      options = options.withDropout(config.attentionDropout(), true, ctx.nextSeed());
    }
    for (EncoderLayer layer : layers) {
      x = layer.forward(x, options, ctx);
    }
    Tensor pooled = pooler == null ? null : pooler.forward(Shapes.select(x, 1, 0)).tanh();
    Tensor logits = null;
    if (classifier != null) {
      logits = classifier.forward(dropout(pooled, config.classifierDropout(), ctx));
    } else if (mlmDense != null) {
      Tensor z = mlmNorm.forward(Activations.gelu(mlmDense.forward(x)));
      logits = Linalg.linear(z, words.weight().value(), mlmBias.value());
    }
    return new Output(x, pooled, logits);
  }

  private static Tensor dropout(Tensor x, double p, ForwardContext ctx) {
    return ctx.training() && p > 0 ? NeuralOps.dropout(x, p, true, ctx.nextSeed()) : x;
  }

  @Override
  public Map<String, Parameter> namedParameters() {
    Map<String, Parameter> m = new LinkedHashMap<>();
    String base = config.head() == BertConfig.Head.NONE ? "" : "bert.";
    Weights.nest(base + "embeddings.word_embeddings", words, m);
    Weights.nest(base + "embeddings.position_embeddings", positions, m);
    Weights.nest(base + "embeddings.token_type_embeddings", types, m);
    Weights.nest(base + "embeddings.LayerNorm", embeddingNorm, m);
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).collect(base + "encoder.layer." + i, m);
    }
    if (pooler != null) {
      Weights.nest(base + "pooler.dense", pooler, m);
    }
    if (classifier != null) {
      Weights.nest("classifier", classifier, m);
    }
    if (mlmDense != null) {
      m.put("cls.predictions.bias", mlmBias);
      Weights.nest("cls.predictions.transform.dense", mlmDense, m);
      Weights.nest("cls.predictions.transform.LayerNorm", mlmNorm, m);
    }
    return m;
  }

  @Override
  public Map<String, String> parameterNames(Collection<String> checkpointNames) {
    Map<String, String> out = new LinkedHashMap<>();
    String base = config.head() == BertConfig.Head.NONE ? "" : "bert.";
    Set<String> tiedOrBuffers =
        Set.of(
            "cls.predictions.decoder.weight",
            base + "embeddings.position_ids",
            "embeddings.position_ids");
    for (String k : checkpointNames) {
      if (tiedOrBuffers.contains(k)) {
        continue;
      }
      if (config.head() != BertConfig.Head.MASKED_LM && k.startsWith("cls.")) {
        // the pre-training heads of a BertForPreTraining / BertForMaskedLM checkpoint
        continue;
      }
      if (k.equals("cls.predictions.decoder.bias")) {
        // the same tensor as cls.predictions.bias; some checkpoints keep only this name
        if (!checkpointNames.contains("cls.predictions.bias")) {
          out.put(k, "cls.predictions.bias");
        }
        continue;
      }
      boolean bare =
          !base.isEmpty()
              && !k.startsWith(base)
              && !k.startsWith("cls.")
              && !k.startsWith("classifier.");
      // a BertModel checkpoint saved without the "bert." prefix
      out.put(k, bare ? base + k : k);
    }
    return out;
  }

  /** One post-norm encoder layer. */
  private static final class EncoderLayer {
    private final int heads;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear attentionOut;
    private final LayerNorm attentionNorm;
    private final Linear intermediate;
    private final Linear output;
    private final LayerNorm outputNorm;
    private final double dropout;

    EncoderLayer(BertConfig c, BuildContext ctx) {
      int h = c.hiddenSize();
      this.heads = c.heads();
      this.query = new Linear(h, h, true, ctx);
      this.key = new Linear(h, h, true, ctx);
      this.value = new Linear(h, h, true, ctx);
      this.attentionOut = new Linear(h, h, true, ctx);
      this.attentionNorm = new LayerNorm(h, c.layerNormEps(), ctx);
      this.intermediate = new Linear(h, c.intermediateSize(), true, ctx);
      this.output = new Linear(c.intermediateSize(), h, true, ctx);
      this.outputNorm = new LayerNorm(h, c.layerNormEps(), ctx);
      this.dropout = c.hiddenDropout();
    }

    Tensor forward(Tensor x, AttentionOptions options, ForwardContext ctx) {
      int b = x.dim(0);
      int t = x.dim(1);
      int h = x.dim(2);
      Tensor a =
          AttentionOps.attention(
                  split(query.forward(x), b, t),
                  split(key.forward(x), b, t),
                  split(value.forward(x), b, t),
                  options)
              .output();
      Tensor merged = Shapes.reshape(Shapes.permute(a, 0, 2, 1, 3), b, t, h);
      Tensor y = attentionNorm.forward(dropout(attentionOut.forward(merged), dropout, ctx).add(x));
      Tensor z = output.forward(Activations.gelu(intermediate.forward(y)));
      return outputNorm.forward(dropout(z, dropout, ctx).add(y));
    }

    private Tensor split(Tensor y, int b, int t) {
      return Shapes.permute(Shapes.reshape(y, b, t, heads, y.dim(2) / heads), 0, 2, 1, 3);
    }

    void collect(String prefix, Map<String, Parameter> m) {
      Weights.nest(prefix + ".attention.self.query", query, m);
      Weights.nest(prefix + ".attention.self.key", key, m);
      Weights.nest(prefix + ".attention.self.value", value, m);
      Weights.nest(prefix + ".attention.output.dense", attentionOut, m);
      Weights.nest(prefix + ".attention.output.LayerNorm", attentionNorm, m);
      Weights.nest(prefix + ".intermediate.dense", intermediate, m);
      Weights.nest(prefix + ".output.dense", output, m);
      Weights.nest(prefix + ".output.LayerNorm", outputNorm, m);
    }
  }
}

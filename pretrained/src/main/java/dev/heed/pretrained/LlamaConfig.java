package dev.heed.pretrained;

import dev.heed.pretrained.blocks.RopeFrequencies;
import java.util.List;

/**
 * What a Llama {@code config.json} says about the math, read once and checked: sizes, grouped-query
 * heads, {@code rms_norm_eps}, rotary positions with {@code rope_theta} and {@code rope_scaling}
 * ({@code default}, {@code linear} or {@code llama3}; others are refused), biases, and whether the
 * head is tied to the embedding.
 *
 * @param invFreq the rotary inverse frequencies, {@code headDim / 2} of them
 */
public record LlamaConfig(
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int layers,
    int heads,
    int kvHeads,
    int headDim,
    int maxPositions,
    double rmsNormEps,
    double[] invFreq,
    boolean attentionBias,
    boolean mlpBias,
    boolean tieWordEmbeddings) {

  /** Reads and checks {@code c}. */
  public static LlamaConfig of(ConfigJson c) {
    String arch = c.architecture("LlamaForCausalLM");
    c.requireIn(
        "architectures", arch, List.of("LlamaForCausalLM", "LlamaModel"), "the model class");
    c.requireIn("hidden_act", c.string("hidden_act", "silu"), List.of("silu"), "SwiGLU's gate");
    c.requireAbsent("partial_rotary_factor", "rotary positions over the whole head");
    c.requireIn(
        "attention_dropout", c.number("attention_dropout", 0.0), List.of(0.0), "no dropout");
    int hidden = c.positive("hidden_size");
    int heads = c.positive("num_attention_heads");
    int kvHeads = c.positive("num_key_value_heads", heads);
    if (heads % kvHeads != 0) {
      throw new PretrainedException(
          c.file()
              + ": num_key_value_heads "
              + kvHeads
              + " must divide num_attention_heads "
              + heads);
    }
    if (!c.has("head_dim") && hidden % heads != 0) {
      throw new PretrainedException(
          c.file()
              + ": hidden_size "
              + hidden
              + " is not a multiple of num_attention_heads "
              + heads
              + " (and no head_dim is given)");
    }
    int headDim = c.positive("head_dim", hidden / heads);
    if (headDim % 2 != 0) {
      throw new PretrainedException(
          c.file() + ": the head size " + headDim + " must be even for rotary positions");
    }
    double theta = c.number("rope_theta", 10000.0);
    return new LlamaConfig(
        c.positive("vocab_size"),
        hidden,
        c.positive("intermediate_size"),
        c.positive("num_hidden_layers"),
        heads,
        kvHeads,
        headDim,
        c.positive("max_position_embeddings", 2048),
        c.number("rms_norm_eps", 1e-6),
        frequencies(c, theta, headDim),
        c.bool("attention_bias", false),
        c.bool("mlp_bias", false),
        c.bool("tie_word_embeddings", false));
  }

  private static double[] frequencies(ConfigJson c, double theta, int headDim) {
    ConfigJson s = c.object("rope_scaling");
    if (s == null) {
      return RopeFrequencies.standard(theta, headDim);
    }
    String type = s.string("rope_type", s.string("type", "default"));
    s.requireIn(
        "rope_type",
        type,
        List.of("default", "linear", "llama3"),
        "the rotary scaling types of the small public models");
    return switch (type) {
      case "linear" -> RopeFrequencies.linear(theta, headDim, s.number("factor"));
      case "llama3" ->
          RopeFrequencies.llama3(
              theta,
              headDim,
              s.number("factor"),
              s.number("low_freq_factor"),
              s.number("high_freq_factor"),
              s.number("original_max_position_embeddings"));
      default -> RopeFrequencies.standard(theta, headDim);
    };
  }
}

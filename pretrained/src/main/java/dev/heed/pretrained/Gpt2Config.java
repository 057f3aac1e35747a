package dev.heed.pretrained;

import java.util.List;

/**
 * What a GPT-2 {@code config.json} says about the math, read once and checked. Supported: {@code
 * activation_function} {@code gelu_new} (or its alias {@code gelu_pytorch_tanh}) and {@code gelu};
 * scores scaled by {@code 1/√d} and not by the layer index; no cross-attention.
 *
 * @param tanhGelu whether the activation is the tanh approximation (else the exact erf GELU)
 */
public record Gpt2Config(
    int vocabSize,
    int maxPositions,
    int hiddenSize,
    int layers,
    int heads,
    int innerSize,
    boolean tanhGelu,
    double layerNormEps,
    double residDropout,
    double embdDropout,
    double attnDropout) {

  /** Reads and checks {@code c}. */
  public static Gpt2Config of(ConfigJson c) {
    String arch = c.architecture("GPT2LMHeadModel");
    c.requireIn("architectures", arch, List.of("GPT2LMHeadModel", "GPT2Model"), "the model class");
    String act = c.string("activation_function", "gelu_new");
    c.requireIn(
        "activation_function",
        act,
        List.of("gelu_new", "gelu_pytorch_tanh", "gelu"),
        "the feed-forward activation");
    c.requireIn(
        "scale_attn_weights", c.bool("scale_attn_weights", true), List.of(true), "1/√d scores");
    c.requireIn(
        "scale_attn_by_inverse_layer_idx",
        c.bool("scale_attn_by_inverse_layer_idx", false),
        List.of(false),
        "scores scaled by layer");
    c.requireIn(
        "add_cross_attention", c.bool("add_cross_attention", false), List.of(false), "no encoder");
    c.requireIn(
        "tie_word_embeddings",
        c.bool("tie_word_embeddings", true),
        List.of(true),
        "GPT-2's LM head is the token embedding");
    int hidden = c.positive("n_embd");
    int heads = c.positive("n_head");
    if (hidden % heads != 0) {
      throw new PretrainedException(
          c.file() + ": n_embd " + hidden + " is not a multiple of n_head " + heads);
    }
    return new Gpt2Config(
        c.positive("vocab_size"),
        c.positive("n_positions"),
        hidden,
        c.positive("n_layer"),
        heads,
        c.positive("n_inner", 4 * hidden),
        !act.equals("gelu"),
        c.number("layer_norm_epsilon", 1e-5),
        c.number("resid_pdrop", 0.1),
        c.number("embd_pdrop", 0.1),
        c.number("attn_pdrop", 0.1));
  }
}

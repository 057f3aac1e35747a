package dev.heed.pretrained;

import java.util.List;

/**
 * What a BERT {@code config.json} says about the math, read once and checked: sizes, the layer
 * norm's epsilon, dropout, and the head. Values Heed does not implement ({@code hidden_act} other
 * than {@code gelu}, relative position embeddings, decoder or cross-attention use) are refused.
 *
 * @param head what sits on the encoder
 * @param labels classes of the sequence-classification head (0 otherwise)
 * @param initializerRange standard deviation of the normal initialisation of new weights
 * @param classifierDropout dropout before the classifier ({@code classifier_dropout}, else {@code
 *     hidden_dropout_prob})
 */
public record BertConfig(
    int vocabSize,
    int hiddenSize,
    int layers,
    int heads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    double layerNormEps,
    double hiddenDropout,
    double attentionDropout,
    Head head,
    int labels,
    double initializerRange,
    double classifierDropout) {

  /** The architectures (heads) Heed builds. */
  public enum Head {
    /** {@code BertModel}: encoder and pooler. */
    NONE("BertModel"),
    /** {@code BertForSequenceClassification}: pooler, dropout, {@code classifier}. */
    SEQUENCE_CLASSIFICATION("BertForSequenceClassification"),
    /** {@code BertForMaskedLM}: no pooler, {@code cls.predictions} tied to the word embeddings. */
    MASKED_LM("BertForMaskedLM");

    private final String architecture;

    Head(String architecture) {
      this.architecture = architecture;
    }

    /** The Hugging Face class name. */
    public String architecture() {
      return architecture;
    }
  }

  /** Reads and checks {@code c}. */
  public static BertConfig of(ConfigJson c) {
    String arch = c.architecture("BertModel");
    Head head = null;
    for (Head h : Head.values()) {
      if (h.architecture.equals(arch)) {
        head = h;
      }
    }
    c.requireIn(
        "architectures",
        arch,
        List.of("BertModel", "BertForSequenceClassification", "BertForMaskedLM"),
        "the head on the encoder");
    c.requireIn("hidden_act", c.string("hidden_act", "gelu"), List.of("gelu"), "exact erf GELU");
    c.requireIn(
        "position_embedding_type",
        c.string("position_embedding_type", "absolute"),
        List.of("absolute"),
        "learned absolute positions");
    c.requireIn("is_decoder", c.bool("is_decoder", false), List.of(false), "an encoder");
    c.requireIn(
        "add_cross_attention", c.bool("add_cross_attention", false), List.of(false), "no decoder");
    int hidden = c.positive("hidden_size");
    int heads = c.positive("num_attention_heads");
    if (hidden % heads != 0) {
      throw new PretrainedException(
          c.file()
              + ": hidden_size "
              + hidden
              + " is not a multiple of num_attention_heads "
              + heads);
    }
    int labels = 0;
    if (head == Head.SEQUENCE_CLASSIFICATION) {
      labels = c.has("id2label") ? c.count("id2label") : c.positive("num_labels", 2);
      c.requireIn(
          "problem_type",
          c.string("problem_type", "single_label_classification"),
          List.of("single_label_classification", "multi_label_classification", "regression"),
          "the loss of the head");
    }
    return new BertConfig(
        c.positive("vocab_size"),
        hidden,
        c.positive("num_hidden_layers"),
        heads,
        c.positive("intermediate_size"),
        c.positive("max_position_embeddings"),
        c.positive("type_vocab_size", 2),
        c.number("layer_norm_eps", 1e-12),
        c.number("hidden_dropout_prob", 0.1),
        c.number("attention_probs_dropout_prob", 0.1),
        head,
        labels,
        c.number("initializer_range", 0.02),
        c.number("classifier_dropout", c.number("hidden_dropout_prob", 0.1)));
  }

  /** The same encoder with another head ({@code labels} classes for sequence classification). */
  public BertConfig withHead(Head newHead, int newLabels) {
    if (newHead == Head.SEQUENCE_CLASSIFICATION ? newLabels < 1 : newLabels != 0) {
      throw new IllegalArgumentException(
          "bert: a sequence-classification head needs at least one label, other heads none; got "
              + newHead
              + " with "
              + newLabels);
    }
    return new BertConfig(
        vocabSize,
        hiddenSize,
        layers,
        heads,
        intermediateSize,
        maxPositions,
        typeVocabSize,
        layerNormEps,
        hiddenDropout,
        attentionDropout,
        newHead,
        newLabels,
        initializerRange,
        classifierDropout);
  }
}

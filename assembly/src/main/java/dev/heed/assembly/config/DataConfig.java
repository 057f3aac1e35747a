package dev.heed.assembly.config;

import dev.heed.core.data.SequenceLayout;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code data}: the data set plugin named by {@code type} with its options, and what the loader
 * learnt from the data set it made (names, sizes, task) for the model's checks.
 *
 * @param source the data set provider's reference: {@code type} and the other keys as options
 * @param shuffleBuffer rows held by the seeded buffer shuffle
 * @param inputNames input feature names (for token sequences: one per position)
 * @param outputNames target names (class names for classification)
 * @param classification whether the targets are one-hot classes
 * @param layout the layout of token-sequence rows, or null for feature rows
 * @param examples how many rows the data set has, or -1 when not known without reading them
 * @param standardize whether inputs are z-scored with the training rows' statistics
 * @param recorded the data set's options as the run's config records them ({@link
 *     dev.heed.core.data.DatasetProvider#recorded}): what was found in the source filled in
 */
public record DataConfig(
    PluginRef source,
    int shuffleBuffer,
    List<String> inputNames,
    List<String> outputNames,
    boolean classification,
    SequenceLayout layout,
    long examples,
    boolean standardize,
    Map<String, Object> recorded) {

  /** Copies the lists. */
  public DataConfig {
    inputNames = List.copyOf(inputNames);
    outputNames = List.copyOf(outputNames);
    recorded = Collections.unmodifiableMap(new LinkedHashMap<>(recorded));
  }

  /** The data set's name ({@code data.type}). */
  public String type() {
    return source.name();
  }

  /** Whether the examples are token sequences {@code [B, T]} rather than feature rows. */
  public boolean sequence() {
    return layout != null;
  }

  /**
   * Whether this is a character language model, whose recorded {@code classes} are its characters
   * (token {@code i + 1} is character {@code i}): data type {@code text}, or {@code corpus}
   * tokenized by characters. Such a run can sample text.
   */
  public boolean characterLanguageModel() {
    return type().equals("text")
        || (type().equals("corpus")
            && "characters".equals(recorded.getOrDefault("tokenizer", "characters")));
  }

  /** Token ids {@code 0 … vocabulary-1} of sequence data, 0 for feature rows. */
  public int vocabulary() {
    return layout == null ? 0 : layout.vocabulary();
  }

  /** The model's input features: the vocabulary for token sequences, else the input columns. */
  public int inputs() {
    return layout == null ? inputNames.size() : layout.vocabulary();
  }

  /** The model's outputs: one per class of a token (the vocabulary), or one per target. */
  public int outputs() {
    return layout == null ? outputNames.size() : layout.vocabulary();
  }

  /** The class names of feature-row classification, else empty. */
  public List<String> classes() {
    return classification && layout == null ? outputNames : List.of();
  }
}

package dev.heed.assembly.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code data}: where the examples come from. See the assembly README for every key.
 *
 * @param type {@code csv}, {@code text} or a generated data set name
 * @param examples generated: how many examples
 * @param inputs input features (for csv: the number of feature columns)
 * @param outputs targets (classification: the number of classes)
 * @param noise generated: standard deviation of target noise
 * @param path csv or text: the absolute file path, or null
 * @param featureColumns csv: input columns, or empty for generated data
 * @param labelColumns csv: target columns, or empty for generated data
 * @param task {@code regression} or {@code classification}
 * @param classes classification: the class names in output order, or empty when read from the file;
 *     text: the vocabulary, one character per entry (character i is token i + 1)
 * @param delimiter csv: the separator
 * @param normalize csv: whether inputs are z-scored
 * @param shuffleBuffer rows held by the seeded buffer shuffle
 * @param vocabulary sequence data: token ids {@code 0 … vocabulary-1} (0 is padding), 0 for flat
 *     feature rows
 * @param minLength sequence data: the shortest sequence (0 for flat rows)
 * @param maxLength sequence data: the longest sequence, the padded length (0 for flat rows)
 */
public record DataConfig(
    String type,
    int examples,
    int inputs,
    int outputs,
    double noise,
    Path path,
    List<String> featureColumns,
    List<String> labelColumns,
    String task,
    List<String> classes,
    String delimiter,
    boolean normalize,
    int shuffleBuffer,
    int vocabulary,
    int minLength,
    int maxLength) {

  /** Copies the lists. */
  public DataConfig {
    featureColumns = List.copyOf(featureColumns);
    labelColumns = List.copyOf(labelColumns);
    classes = List.copyOf(classes);
  }

  /** Whether the examples are token sequences {@code [B, T]} rather than feature rows. */
  public boolean sequence() {
    return vocabulary > 0;
  }

  /** Whether targets are classes. */
  public boolean classification() {
    return task.equals("classification");
  }
}

package dev.heed.assembly.config;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code data}: where the examples come from. See the assembly README for every key.
 *
 * @param type {@code csv} or a generated data set name
 * @param examples generated: how many examples
 * @param inputs input features (for csv: the number of feature columns)
 * @param outputs targets (classification: the number of classes)
 * @param noise generated: standard deviation of target noise
 * @param path csv: the absolute file path, or null
 * @param featureColumns csv: input columns, or empty for generated data
 * @param labelColumns csv: target columns, or empty for generated data
 * @param task {@code regression} or {@code classification}
 * @param classes classification: the class names in output order, or empty when read from the file
 * @param delimiter csv: the separator
 * @param normalize csv: whether inputs are z-scored
 * @param shuffleBuffer rows held by the seeded buffer shuffle
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
    int shuffleBuffer) {

  /** Copies the lists. */
  public DataConfig {
    featureColumns = List.copyOf(featureColumns);
    labelColumns = List.copyOf(labelColumns);
    classes = List.copyOf(classes);
  }

  /** Whether targets are classes. */
  public boolean classification() {
    return task.equals("classification");
  }
}

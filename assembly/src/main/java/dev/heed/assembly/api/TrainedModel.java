package dev.heed.assembly.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A trained model opened from a run directory ({@link dev.heed.assembly.Heed#open}), for evaluation
 * and prediction. Not thread-safe; closing it releases the backend.
 */
public interface TrainedModel extends AutoCloseable {

  /** Input feature names, in the order {@link #predict} expects. */
  List<String> inputNames();

  /** Output names: target names, or class names for classification. */
  List<String> outputNames();

  /**
   * Evaluates on a CSV file with the config's columns.
   *
   * @return {@code loss} and the metrics ({@code accuracy} or {@code mae}) and {@code examples}
   * @throws ConfigException when a column is missing (naming it, the file and the header found) or
   *     a value is malformed
   */
  Map<String, Double> evaluate(Path csv) throws IOException;

  /**
   * Predicts for rows of raw (unnormalised) input features in {@link #inputNames()} order. For
   * classification each output row holds class probabilities in {@link #outputNames()} order.
   *
   * @throws ConfigException when a row has the wrong width (naming the row and the expected width)
   */
  List<double[]> predict(List<double[]> rows);

  /**
   * Samples text from a character-level language model (a run on {@code data: {type: text}}):
   * starting from {@code prompt}, draws {@code count} characters one at a time from the softmax of
   * the last position's logits divided by {@code temperature}, feeding at most the config's {@code
   * length} last characters back. The same seed gives the same text.
   *
   * @return the prompt followed by the sampled characters
   * @throws ConfigException when the run is not on text, the prompt is empty or holds a character
   *     outside the vocabulary, {@code count < 0} or {@code temperature <= 0}
   */
  default String sample(String prompt, int count, double temperature, long seed) {
    throw new ConfigException("sampling needs a language model trained on data type 'text'");
  }

  /**
   * The attention weights the model gives {@code rows} (raw inputs, as {@link #predict} takes
   * them): those of the attention layer closest to the output, one row of weights per input row
   * over the input features (feature attention) or the sequence positions (averaged over heads and
   * queries), as {@code attention.png} draws them after training.
   *
   * @return empty when the model has no attention layer
   * @throws ConfigException when a row has the wrong width or holds a value that is not a token id
   */
  default Optional<AttentionSample> attention(List<double[]> rows) {
    return Optional.empty();
  }

  /**
   * As {@link #attention(List)}, but for sequence attention the weights of query position {@code
   * query} alone (averaged over heads) rather than the average over the queries: query 0 of a
   * vision transformer is its class token. Feature attention ignores {@code query}.
   *
   * @return empty when the model has no attention layer or {@code query} is not a position
   */
  default Optional<AttentionSample> attention(List<double[]> rows, int query) {
    return Optional.empty();
  }

  @Override
  void close();
}

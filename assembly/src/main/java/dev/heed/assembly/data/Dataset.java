package dev.heed.assembly.data;

import java.io.IOException;
import java.util.List;

/**
 * Examples as rows of {@code inputs()} features followed by {@code outputs()} targets (one-hot for
 * classification), read in one pass in stored order. {@link Batches} splits, shuffles and batches
 * them. Implementations must give the same rows on every pass.
 */
public interface Dataset {

  /** Input feature names, in row order. */
  List<String> inputNames();

  /** Target names (class names for classification), in row order. */
  List<String> outputNames();

  /** Whether the targets are one-hot classes. */
  boolean classification();

  /** Input features per row. */
  default int inputs() {
    return inputNames().size();
  }

  /** Targets per row. */
  default int outputs() {
    return outputNames().size();
  }

  /**
   * The layout of token-sequence rows, or null (the default) for rows of input features. {@link
   * #inputs()} and {@link #outputs()} are then the row widths of ids and targets.
   */
  default SequenceLayout sequence() {
    return null;
  }

  /**
   * Opens one pass over the rows.
   *
   * @throws IOException when the source cannot be read
   * @throws dev.heed.assembly.api.ConfigException when a row is malformed (naming the file and
   *     line)
   */
  RowReader open() throws IOException;

  /** One pass over a data set's rows. Not thread-safe. */
  interface RowReader extends AutoCloseable {

    /**
     * Fills {@code row} ({@code inputs + outputs} long) with the next row.
     *
     * @return false at the end
     */
    boolean next(float[] row) throws IOException;

    @Override
    void close() throws IOException;
  }
}

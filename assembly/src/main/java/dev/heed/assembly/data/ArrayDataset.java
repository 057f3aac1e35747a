package dev.heed.assembly.data;

import dev.heed.core.data.Dataset;
import java.util.List;

/**
 * A data set held in memory as one row-major array (generated data sets). Immutable.
 *
 * @param inputNames input names
 * @param outputNames target names
 * @param classification whether targets are one-hot classes
 * @param rows {@code [n, inputs + outputs]} row-major
 */
public record ArrayDataset(
    List<String> inputNames, List<String> outputNames, boolean classification, float[] rows)
    implements Dataset {

  /** Copies the names. */
  public ArrayDataset {
    inputNames = List.copyOf(inputNames);
    outputNames = List.copyOf(outputNames);
  }

  @Override
  public RowReader open() {
    int width = inputNames.size() + outputNames.size();
    return new RowReader() {
      private int at;

      @Override
      public boolean next(float[] row) {
        if (at + width > rows.length) {
          return false;
        }
        System.arraycopy(rows, at, row, 0, width);
        at += width;
        return true;
      }

      @Override
      public void close() {}
    };
  }
}

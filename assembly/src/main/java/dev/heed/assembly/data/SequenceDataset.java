package dev.heed.assembly.data;

import dev.heed.core.data.Dataset;
import dev.heed.core.data.SequenceLayout;
import java.util.List;

/**
 * A token-sequence data set held in memory (generated sequence tasks). Immutable.
 *
 * @param rows the rows, laid out as {@code layout} says
 * @param layout the sequence layout
 */
public record SequenceDataset(ArrayDataset rows, SequenceLayout layout) implements Dataset {

  @Override
  public List<String> inputNames() {
    return rows.inputNames();
  }

  @Override
  public List<String> outputNames() {
    return rows.outputNames();
  }

  @Override
  public boolean classification() {
    return true;
  }

  @Override
  public SequenceLayout sequence() {
    return layout;
  }

  @Override
  public RowReader open() {
    return rows.open();
  }
}

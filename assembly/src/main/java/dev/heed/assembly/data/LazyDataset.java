package dev.heed.assembly.data;

import dev.heed.core.data.Dataset;
import dev.heed.core.data.SequenceLayout;
import java.io.IOException;
import java.util.List;

/**
 * A data set whose rows are made on the first {@link #open()} (generated data sets: a config is
 * loaded, checked and its model sized without generating them). Not thread-safe.
 */
final class LazyDataset implements Dataset {
  /** Makes the rows. */
  @FunctionalInterface
  interface Make {
    /** The data set with its rows. */
    Dataset make() throws IOException;
  }

  private final Dataset shape;
  private final long size;
  private final Make make;
  private Dataset made;

  /**
   * @param shape a data set with the same names and layout (for example with no rows)
   * @param size the rows {@code make} gives
   * @param make makes the rows
   */
  LazyDataset(Dataset shape, long size, Make make) {
    this.shape = shape;
    this.size = size;
    this.make = make;
  }

  @Override
  public List<String> inputNames() {
    return shape.inputNames();
  }

  @Override
  public List<String> outputNames() {
    return shape.outputNames();
  }

  @Override
  public boolean classification() {
    return shape.classification();
  }

  @Override
  public SequenceLayout sequence() {
    return shape.sequence();
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public RowReader open() throws IOException {
    if (made == null) {
      made = make.make();
    }
    return made.open();
  }
}

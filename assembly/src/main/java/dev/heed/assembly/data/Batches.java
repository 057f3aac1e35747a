package dev.heed.assembly.data;

import dev.heed.core.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/**
 * Splits a {@link Dataset} into training and validation rows and streams them as mini-batches.
 *
 * <p>The split is by row number: row {@code i} is a validation row when a seeded hash of {@code i}
 * falls below the validation fraction, so it needs no pass over the data and never changes between
 * passes. Training rows are shuffled with a seeded <em>buffer shuffle</em>: a buffer of {@code
 * shuffleBuffer} rows is filled, and each further row replaces a randomly chosen buffered row that
 * is emitted; the buffer is emptied in random order at the end. With a buffer at least as large as
 * the training set this is a uniform permutation; with a smaller one, rows move at most about a
 * buffer's length, which is what makes files larger than memory trainable. The random stream of
 * epoch {@code e} depends only on the seed and {@code e}, so a resumed run sees the same batches.
 * Not thread-safe.
 */
public final class Batches {
  private final Dataset dataset;
  private final long seed;
  private final double validationSplit;
  private final int shuffleBuffer;
  private long trainRows = -1;
  private long validationRows = -1;

  /**
   * @param dataset the rows
   * @param seed the run's seed
   * @param validationSplit the fraction of rows held out
   * @param shuffleBuffer rows held by the shuffle buffer
   */
  public Batches(Dataset dataset, long seed, double validationSplit, int shuffleBuffer) {
    this.dataset = dataset;
    this.seed = seed;
    this.validationSplit = validationSplit;
    this.shuffleBuffer = shuffleBuffer;
  }

  /** The data set. */
  public Dataset dataset() {
    return dataset;
  }

  /** Whether row {@code index} is held out for validation. */
  public boolean isValidation(long index) {
    if (validationSplit <= 0) {
      return false;
    }
    long h = mix(seed ^ 0x5DEECE66DL, index);
    return (h >>> 11) * 0x1.0p-53 < validationSplit;
  }

  /** Training rows (counted with one pass the first time). */
  public long trainRows() throws IOException {
    count();
    return trainRows;
  }

  /** Validation rows (counted with one pass the first time). */
  public long validationRows() throws IOException {
    count();
    return validationRows;
  }

  private void count() throws IOException {
    if (trainRows >= 0) {
      return;
    }
    long t = 0;
    long v = 0;
    float[] row = new float[dataset.inputs() + dataset.outputs()];
    try (Dataset.RowReader r = dataset.open()) {
      for (long i = 0; r.next(row); i++) {
        if (isValidation(i)) {
          v++;
        } else {
          t++;
        }
      }
    }
    trainRows = t;
    validationRows = v;
  }

  /** The training batches of epoch {@code epoch} (1-based), shuffled when {@code shuffle}. */
  public Stream training(int epoch, int batchSize, boolean shuffle) throws IOException {
    SplittableRandom random = shuffle ? new SplittableRandom(mix(seed, epoch)) : null;
    return new Stream(dataset.open(), false, batchSize, random);
  }

  /** The validation batches, in stored order. */
  public Stream validation(int batchSize) throws IOException {
    return new Stream(dataset.open(), true, batchSize, null);
  }

  /** SplitMix64 of {@code a} and {@code b}. */
  static long mix(long a, long b) {
    long z = a + (b + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Mini-batches from one pass; close it to release the source. Not thread-safe. */
  public final class Stream implements AutoCloseable {
    private final Dataset.RowReader reader;
    private final boolean validation;
    private final int batchSize;
    private final SplittableRandom random;
    private final int width;
    private final float[][] buffer;
    private int buffered;
    private long index;
    private boolean sourceDone;

    Stream(Dataset.RowReader reader, boolean validation, int batchSize, SplittableRandom random) {
      this.reader = reader;
      this.validation = validation;
      this.batchSize = batchSize;
      this.random = random;
      this.width = dataset.inputs() + dataset.outputs();
      this.buffer = random == null ? null : new float[shuffleBuffer][];
    }

    /** The next row of this stream's part, or null at the end. */
    private float[] nextSourceRow() throws IOException {
      while (!sourceDone) {
        float[] row = new float[width];
        if (!reader.next(row)) {
          sourceDone = true;
          return null;
        }
        if (isValidation(index++) == validation) {
          return row;
        }
      }
      return null;
    }

    private float[] nextRow() throws IOException {
      if (random == null) {
        return nextSourceRow();
      }
      while (buffered < buffer.length) {
        float[] row = nextSourceRow();
        if (row == null) {
          break;
        }
        buffer[buffered++] = row;
      }
      if (buffered == 0) {
        return null;
      }
      int j = random.nextInt(buffered);
      float[] out = buffer[j];
      float[] replacement = sourceDone ? null : nextSourceRow();
      if (replacement != null) {
        buffer[j] = replacement;
      } else {
        buffer[j] = buffer[--buffered];
        buffer[buffered] = null;
      }
      return out;
    }

    /** The next batch, or null at the end. */
    public Batch next() {
      try {
        int in = dataset.inputs();
        int out = dataset.outputs();
        float[] x = new float[batchSize * in];
        float[] y = new float[batchSize * out];
        int rows = 0;
        while (rows < batchSize) {
          float[] row = nextRow();
          if (row == null) {
            break;
          }
          System.arraycopy(row, 0, x, rows * in, in);
          System.arraycopy(row, in, y, rows * out, out);
          rows++;
        }
        if (rows == 0) {
          return null;
        }
        if (rows < batchSize) {
          x = java.util.Arrays.copyOf(x, rows * in);
          y = java.util.Arrays.copyOf(y, rows * out);
        }
        return new Batch(x, y, rows);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}

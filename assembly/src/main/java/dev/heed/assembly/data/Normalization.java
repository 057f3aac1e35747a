package dev.heed.assembly.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heed.core.data.Dataset;
import dev.heed.core.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Z-score statistics of the input columns, fitted on the training rows and stored in the run
 * directory ({@code normalization.json}) so evaluation and prediction scale inputs the same way.
 * Immutable.
 *
 * @param names the input names
 * @param mean per-input mean
 * @param std per-input standard deviation (1 where the column is constant)
 */
public record Normalization(List<String> names, double[] mean, double[] std) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The file name inside a run directory. */
  public static final String FILE = "normalization.json";

  /** Copies the names. */
  public Normalization {
    names = List.copyOf(names);
  }

  /** Fits the statistics on the training rows of {@code batches} (one pass). */
  public static Normalization fit(Batches batches) throws IOException {
    Dataset d = batches.dataset();
    int in = d.inputs();
    double[] sum = new double[in];
    double[] sq = new double[in];
    long n = 0;
    float[] row = new float[in + d.outputs()];
    try (Dataset.RowReader r = d.open()) {
      for (long i = 0; r.next(row); i++) {
        if (batches.isValidation(i)) {
          continue;
        }
        n++;
        for (int k = 0; k < in; k++) {
          sum[k] += row[k];
          sq[k] += (double) row[k] * row[k];
        }
      }
    }
    double[] mean = new double[in];
    double[] std = new double[in];
    for (int k = 0; k < in; k++) {
      mean[k] = n == 0 ? 0 : sum[k] / n;
      double var = n == 0 ? 0 : Math.max(0, sq[k] / n - mean[k] * mean[k]);
      std[k] = var > 1e-24 ? Math.sqrt(var) : 1;
    }
    return new Normalization(d.inputNames(), mean, std);
  }

  /** Scales the first {@code mean.length} values of {@code row} in place. */
  public void apply(float[] row) {
    for (int k = 0; k < mean.length; k++) {
      row[k] = (float) ((row[k] - mean[k]) / std[k]);
    }
  }

  /** {@code dataset} with its inputs scaled. */
  public Dataset applyTo(Dataset dataset) {
    Normalization self = this;
    return new Dataset() {
      @Override
      public List<String> inputNames() {
        return dataset.inputNames();
      }

      @Override
      public List<String> outputNames() {
        return dataset.outputNames();
      }

      @Override
      public boolean classification() {
        return dataset.classification();
      }

      @Override
      public RowReader open() throws IOException {
        RowReader r = dataset.open();
        return new RowReader() {
          @Override
          public boolean next(float[] row) throws IOException {
            if (!r.next(row)) {
              return false;
            }
            self.apply(row);
            return true;
          }

          @Override
          public void close() throws IOException {
            r.close();
          }
        };
      }
    };
  }

  /** Writes {@code dir/normalization.json} atomically. */
  public void save(Path dir) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("names", names);
    m.put("mean", mean);
    m.put("std", std);
    AtomicFile.write(dir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
  }

  /** Reads {@code dir/normalization.json}, or returns null when there is none. */
  @SuppressWarnings("unchecked")
  public static Normalization load(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    if (!Files.exists(f)) {
      return null;
    }
    Map<String, Object> m = JSON.readValue(f.toFile(), Map.class);
    List<String> names = (List<String>) m.get("names");
    return new Normalization(
        names, toArray((List<Number>) m.get("mean")), toArray((List<Number>) m.get("std")));
  }

  private static double[] toArray(List<Number> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i).doubleValue();
    }
    return a;
  }
}

package dev.heed.assembly.data;

import dev.heed.assembly.api.ConfigException;
import dev.heed.core.data.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A CSV file read line by line on every pass, so files larger than memory train. The header names
 * the columns; feature and label columns are picked by name; for classification the one label
 * column holds class names, encoded one-hot in {@code classes} order. Blank lines are skipped;
 * text, header and numbers follow {@link CsvFormat}'s rules. Immutable; each {@link #open()} is an
 * independent pass.
 */
public final class CsvDataset implements Dataset {
  private final Path file;
  private final char delimiter;
  private final List<String> features;
  private final List<String> labels;
  private final List<String> classes;
  private final boolean classification;
  private boolean standardize;

  /**
   * @param file the CSV file
   * @param delimiter the separator
   * @param features input columns
   * @param labels target columns (one, for classification)
   * @param classes class names in output order (classification), else empty
   */
  public CsvDataset(
      Path file, char delimiter, List<String> features, List<String> labels, List<String> classes) {
    this.file = file;
    this.delimiter = delimiter;
    this.features = List.copyOf(features);
    this.labels = List.copyOf(labels);
    this.classes = List.copyOf(classes);
    this.classification = !classes.isEmpty();
  }

  /** This data set with {@code standardize} as {@link #standardize()} says. */
  public CsvDataset standardized(boolean standardize) {
    CsvDataset d = new CsvDataset(file, delimiter, features, labels, classes);
    d.standardize = standardize;
    return d;
  }

  /** This data set reading {@code other} instead, with the same columns and classes. */
  public CsvDataset reading(Path other) {
    return new CsvDataset(other, delimiter, features, labels, classes).standardized(standardize);
  }

  /** The file read. */
  public Path file() {
    return file;
  }

  /** The target columns (for classification, the one column of class names). */
  public List<String> labelColumns() {
    return labels;
  }

  @Override
  public boolean standardize() {
    return standardize;
  }

  @Override
  public List<String> inputNames() {
    return features;
  }

  @Override
  public List<String> outputNames() {
    return classification ? classes : labels;
  }

  @Override
  public boolean classification() {
    return classification;
  }

  @Override
  public RowReader open() throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": the CSV file is missing; expected the data file here");
    }
    Utf8Text.Lines r = Utf8Text.lines(file);
    List<String> header;
    try {
      header = CsvFormat.header(r, delimiter);
    } catch (ConfigException | IOException e) {
      r.close();
      throw e;
    }
    int[] featureAt;
    int[] labelAt;
    try {
      featureAt = indices(header, features);
      labelAt = indices(header, labels);
    } catch (ConfigException e) {
      r.close();
      throw e;
    }
    return new RowReader() {
      private final String name = file.toString();

      @Override
      public boolean next(float[] row) throws IOException {
        String text;
        do {
          text = r.next();
          if (text == null) {
            return false;
          }
        } while (text.isBlank());
        List<String> f = CsvFormat.fields(text, delimiter);
        if (f == null) {
          f = CsvFormat.split(text, delimiter, where());
        }
        if (f.size() != header.size()) {
          throw new ConfigException(
              where()
                  + ": found "
                  + f.size()
                  + " fields, expected "
                  + header.size()
                  + " as in the header");
        }
        for (int k = 0; k < featureAt.length; k++) {
          row[k] = number(f, featureAt[k], features.get(k));
        }
        int in = featureAt.length;
        if (classification) {
          String label = f.get(labelAt[0]);
          int c = classes.indexOf(label);
          if (c < 0) {
            throw new ConfigException(
                where()
                    + ": column "
                    + (labelAt[0] + 1)
                    + " ('"
                    + labels.get(0)
                    + "'): found the class '"
                    + label
                    + "', expected one of "
                    + String.join(", ", classes));
          }
          for (int k = 0; k < classes.size(); k++) {
            row[in + k] = k == c ? 1f : 0f;
          }
        } else {
          for (int k = 0; k < labelAt.length; k++) {
            row[in + k] = number(f, labelAt[k], labels.get(k));
          }
        }
        return true;
      }

      /** The file and line for messages, built only when one is needed. */
      private String where() {
        return name + ":" + r.lineNumber();
      }

      private float number(List<String> f, int at, String column) {
        float v = CsvFormat.numberOrNaN(f.get(at));
        return Float.isNaN(v) ? CsvFormat.number(f.get(at), where(), at + 1, column) : v;
      }

      @Override
      public void close() throws IOException {
        r.close();
      }
    };
  }

  private int[] indices(List<String> header, List<String> names) {
    int[] at = new int[names.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = header.indexOf(names.get(i));
      if (at[i] < 0) {
        throw new ConfigException(
            file
                + ": missing the column '"
                + names.get(i)
                + "'; the header has: "
                + String.join(", ", header));
      }
    }
    return at;
  }
}

package dev.heed.assembly.data;

import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.plugin.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code data: {type: csv, path: …, label_columns: […]}}: a CSV file read line by line on every
 * pass ({@link CsvDataset}). The header is read when the config is loaded, so a column that is not
 * in it is reported with the config's line; for classification the class names are found in the
 * file unless given, and the run's config records them with the columns.
 */
public final class CsvDatasetProvider implements DatasetProvider {
  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.string("path", null, "the CSV file, relative to the config file"),
          OptionSpec.strings(
              "feature_columns",
              List.of(),
              "input columns by header name (default: every column not a label)"),
          OptionSpec.strings("label_columns", null, "target columns by header name"),
          OptionSpec.choice(
              "task",
              "regression",
              "regression (numeric targets) or classification (one label column of class names,"
                  + " one-hot encoded)",
              "regression",
              "classification"),
          OptionSpec.strings(
              "classes",
              List.of(),
              "classification: the class names in output order (default: found in the file,"
                  + " sorted)"),
          OptionSpec.choice("delimiter", ",", "separator", ",", ";", "\t", "|"),
          OptionSpec.bool(
              "normalize",
              true,
              "z-score the input columns with the training rows' mean and deviation (stored in"
                  + " the run directory)"));

  /** Cheap; for ServiceLoader. */
  public CsvDatasetProvider() {}

  @Override
  public String name() {
    return "csv";
  }

  @Override
  public String description() {
    return "a CSV file with a header: feature and label columns by name";
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Dataset create(Options o, DataContext ctx) throws IOException {
    String owner = "data set 'csv'";
    SCHEMA.check(owner, o);
    String given = o.getString("path");
    Path path = ctx.resolve(given);
    char delimiter = o.getString("delimiter").charAt(0);
    List<String> labels = o.getStrings("label_columns");
    List<String> features = o.getStrings("feature_columns");
    boolean classification = o.getString("task").equals("classification");
    List<String> classes = o.getStrings("classes");
    if (labels.isEmpty()) {
      throw new OptionsException(
          "label_columns", owner + ": found no label columns, expected at least one");
    }
    List<String> header;
    boolean present = Files.isRegularFile(path);
    if (present) {
      header = CsvFormat.header(path, delimiter);
    } else if (ctx.reopening() && !features.isEmpty() && (!classification || !classes.isEmpty())) {
      header = new ArrayList<>(features);
      header.addAll(labels);
    } else {
      throw new OptionsException("path", "found '" + given + "', but there is no file " + path);
    }
    for (int i = 0; i < labels.size(); i++) {
      checkColumn(labels.get(i), header, "label_columns[" + i + "]", path);
    }
    if (features.isEmpty()) {
      features = new ArrayList<>(header);
      features.removeAll(labels);
      if (features.isEmpty()) {
        throw new OptionsException(
            "label_columns",
            "found every column of " + path + " named as a label, expected some inputs left");
      }
    }
    for (int i = 0; i < features.size(); i++) {
      checkColumn(features.get(i), header, "feature_columns[" + i + "]", path);
      if (labels.contains(features.get(i))) {
        throw new OptionsException(
            "feature_columns[" + i + "]",
            "found '" + features.get(i) + "', which is also a label column; expected inputs only");
      }
    }
    if (classification) {
      if (labels.size() != 1) {
        throw new OptionsException(
            "label_columns",
            "found " + labels.size() + " columns, expected exactly one for classification");
      }
      if (classes.isEmpty()) {
        classes = CsvClasses.scan(path, delimiter, header.indexOf(labels.get(0)));
      } else if (classes.size() < 2) {
        throw new OptionsException(
            "classes", "found a list of " + classes.size() + ", expected at least 2 class names");
      }
    } else if (!classes.isEmpty()) {
      throw new OptionsException(
          "classes", "found classes with task regression, expected task: classification");
    }
    return new CsvDataset(path, delimiter, features, labels, classification ? classes : List.of())
        .standardized(o.getBoolean("normalize"));
  }

  @Override
  public Map<String, Object> recorded(Options o, Dataset dataset, DataContext ctx) {
    CsvDataset d = (CsvDataset) dataset;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("path", d.file().toString());
    out.put("feature_columns", d.inputNames());
    out.put("label_columns", d.labelColumns());
    out.put("task", o.getString("task"));
    if (d.classification()) {
      out.put("classes", d.outputNames());
    }
    out.put("delimiter", o.getString("delimiter"));
    out.put("normalize", o.getBoolean("normalize"));
    return out;
  }

  private static void checkColumn(String name, List<String> header, String option, Path csv) {
    if (!header.contains(name)) {
      throw new OptionsException(
          option,
          "found '"
              + name
              + "', which is not a column of "
              + csv
              + Suggestions.didYouMean(name, header)
              + "; the header has: "
              + String.join(", ", header));
    }
  }
}

package dev.heed.assembly.data;

import dev.heed.assembly.api.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Finds the class names of a label column in one streaming pass. Stateless. */
final class CsvClasses {
  private static final int MAX_CLASSES = 10_000;

  private CsvClasses() {}

  static List<String> scan(Path file, char delimiter, int column) throws IOException {
    TreeSet<String> classes = new TreeSet<>();
    try (Utf8Text.Lines r = Utf8Text.lines(file)) {
      r.next();
      String line;
      while ((line = r.next()) != null) {
        if (line.isBlank()) {
          continue;
        }
        List<String> f = CsvFormat.split(line, delimiter, file + ":" + r.lineNumber());
        if (column < f.size()) {
          classes.add(f.get(column));
        }
        if (classes.size() > MAX_CLASSES) {
          throw new ConfigException(
              file + ": more than " + MAX_CLASSES + " distinct labels; is this a regression task?");
        }
      }
    }
    if (classes.size() < 2) {
      throw new ConfigException(
          file
              + ": found "
              + classes.size()
              + " class(es) in the label column, expected at least 2");
    }
    return new ArrayList<>(classes);
  }
}

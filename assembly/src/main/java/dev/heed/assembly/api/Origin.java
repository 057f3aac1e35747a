package dev.heed.assembly.api;

import java.nio.file.Path;

/**
 * Where a piece of configuration came from: a position in a file, or a command-line argument.
 *
 * @param file the file, or null
 * @param line 1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param label a description used when there is no file (for example {@code --set
 *     optimizer.lr=0.1}), or ""
 */
public record Origin(Path file, int line, int column, String label) {

  /** A position in {@code file}. */
  public static Origin at(Path file, int line, int column) {
    return new Origin(file, line, column, "");
  }

  /** A value that came from a command-line argument. */
  public static Origin argument(String label) {
    return new Origin(null, 0, 0, label);
  }

  /** {@code FILE:LINE:COLUMN}, the label, or "" when nothing is known. */
  public String describe() {
    if (file != null) {
      return file + (line > 0 ? ":" + line + ":" + column : "");
    }
    return label == null ? "" : label;
  }
}

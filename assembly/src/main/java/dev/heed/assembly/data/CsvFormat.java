package dev.heed.assembly.data;

import dev.heed.assembly.api.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV lines: fields separated by one delimiter character, optionally wrapped in double
 * quotes (a doubled quote inside stands for one); surrounding spaces are trimmed. Stateless.
 */
public final class CsvFormat {
  private CsvFormat() {}

  /** The fields of {@code line}. */
  public static List<String> split(String line, char delimiter) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"' && cur.toString().isBlank()) {
        cur.setLength(0);
        quoted = true;
      } else if (c == delimiter) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().trim());
    return out;
  }

  /**
   * The header of {@code file}.
   *
   * @throws ConfigException when the file is empty
   */
  public static List<String> header(Path file, char delimiter) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line = r.readLine();
      if (line == null || line.isBlank()) {
        throw new ConfigException(file + ": the CSV file is empty, expected a header line first");
      }
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      return split(line, delimiter);
    }
  }
}

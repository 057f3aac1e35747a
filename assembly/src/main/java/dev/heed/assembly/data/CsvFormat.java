package dev.heed.assembly.data;

import dev.heed.assembly.api.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one set of CSV rules every Heed reader applies (training, evaluation, class scans and {@code
 * heed predict}): text is strict UTF-8 with a leading byte order mark skipped ({@link Utf8Text});
 * fields are separated by one delimiter character, optionally wrapped in double quotes (a doubled
 * quote inside stands for one; a quote left open is an error); surrounding spaces are trimmed;
 * header names are non-empty and unique; a number is a finite decimal ({@code -1.5}, {@code 2e3},
 * {@code .5}) that fits a 32-bit float: {@code NaN}, {@code Infinity}, {@code 1e999}, hexadecimal
 * and Java suffixes such as {@code 1d} or {@code 2f} are refused. Stateless.
 */
public final class CsvFormat {
  private CsvFormat() {}

  /**
   * The fields of {@code line}.
   *
   * @param where the file and line for messages ({@code data.csv:3})
   * @throws ConfigException when a quote is left open
   */
  public static List<String> split(String line, char delimiter, String where) {
    List<String> out = fields(line, delimiter);
    if (out == null) {
      throw unclosed(line, delimiter, where);
    }
    return out;
  }

  /**
   * The fields of {@code line}, or null when a quote is left open (for a caller that builds its
   * message only then).
   */
  public static List<String> fields(String line, char delimiter) {
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
    if (quoted) {
      return null;
    }
    out.add(cur.toString().trim());
    return out;
  }

  private static ConfigException unclosed(String line, char delimiter, String where) {
    int column = 1;
    boolean quoted = false;
    int open = 1;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (!quoted) {
          open = column;
        }
        quoted = !quoted;
      } else if (c == delimiter && !quoted) {
        column++;
      }
    }
    return new ConfigException(where + ": column " + open + ": found a quote that is never closed");
  }

  /**
   * Checks the header names of a CSV file: each non-empty and unique.
   *
   * @param where the file and line for messages ({@code data.csv:1})
   * @return {@code names}
   * @throws ConfigException naming the first bad column
   */
  public static List<String> checkHeader(List<String> names, String where) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (n.isEmpty()) {
        throw new ConfigException(
            where
                + ": column "
                + (i + 1)
                + ": found an empty header name, expected every column to be named");
      }
      Integer first = seen.putIfAbsent(n, i);
      if (first != null) {
        throw new ConfigException(
            where
                + ": column "
                + (i + 1)
                + ": found the header name '"
                + n
                + "' again (first in column "
                + (first + 1)
                + "), expected each name once");
      }
    }
    return names;
  }

  /**
   * Whether {@code cell} is a number by these rules: decimal digits with an optional sign, point
   * and exponent, finite as a 32-bit float.
   */
  public static boolean isNumber(String cell) {
    return decimal(cell) && Float.isFinite(Float.parseFloat(cell));
  }

  /**
   * The number in {@code cell}.
   *
   * @param where the file and line for messages ({@code data.csv:3})
   * @param column the 1-based column
   * @param name the column's name
   * @throws ConfigException when {@code cell} is not a number by these rules
   */
  public static float number(String cell, String where, int column, String name) {
    float v = numberOrNaN(cell);
    if (Float.isNaN(v)) {
      throw notANumber(cell, where, column, name);
    }
    return v;
  }

  /**
   * The number in {@code cell}, or NaN when it is not a number by these rules (NaN itself never
   * is), for a caller that builds its message only then.
   */
  public static float numberOrNaN(String cell) {
    if (decimal(cell)) {
      float v = Float.parseFloat(cell);
      if (Float.isFinite(v)) {
        return v;
      }
    }
    return Float.NaN;
  }

  /**
   * The number in {@code cell} at double precision, by the same rules as {@link #number} (for
   * readers that keep doubles, such as {@code heed predict}'s input).
   *
   * @throws ConfigException when {@code cell} is not a number by these rules
   */
  public static double numberAsDouble(String cell, String where, int column, String name) {
    if (decimal(cell)) {
      double v = Double.parseDouble(cell);
      if (Float.isFinite((float) v)) {
        return v;
      }
    }
    throw notANumber(cell, where, column, name);
  }

  private static ConfigException notANumber(String cell, String where, int column, String name) {
    return new ConfigException(
        where
            + ": column "
            + column
            + " ('"
            + name
            + "'): found '"
            + cell
            + "', expected a finite decimal number such as 1.5 or -2e-3"
            + (Float.isFinite(parsedOr(cell))
                ? ""
                : " (NaN, infinities and values beyond ±3.4e38 are refused)"));
  }

  private static float parsedOr(String cell) {
    try {
      return Float.parseFloat(cell);
    } catch (NumberFormatException e) {
      return 0f;
    }
  }

  /** Digits with an optional sign, point and exponent; nothing else (no NaN, hex or suffix). */
  private static boolean decimal(String s) {
    int n = s.length();
    int i = 0;
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exp = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /**
   * The checked header of {@code file}.
   *
   * @throws ConfigException when the file is empty, not UTF-8, or its header breaks the rules
   */
  public static List<String> header(Path file, char delimiter) throws IOException {
    try (Utf8Text.Lines r = Utf8Text.lines(file)) {
      return header(r, delimiter);
    }
  }

  /**
   * Reads and checks the header line of {@code r}.
   *
   * @throws ConfigException when there is none, or it breaks the rules
   */
  public static List<String> header(Utf8Text.Lines r, char delimiter) throws IOException {
    String line = r.next();
    if (line == null || line.isBlank()) {
      throw new ConfigException(
          r.source() + ": the CSV file is empty, expected a header line first");
    }
    String where = r.source() + ":" + r.lineNumber();
    return checkHeader(split(line, delimiter, where), where);
  }
}

package dev.heed.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.data.CsvFormat;
import dev.heed.assembly.data.Utf8Text;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads rows of input features for {@code heed predict}: CSV (with a header naming the input
 * columns in any order, extra columns ignored; or without a header, exactly the inputs in order) or
 * JSON lines (one JSON array of numbers, or one object from input name to number, per line). The
 * format is taken from the first non-blank character: {@code [} or <code>{</code> is JSON lines.
 * CSV follows {@link CsvFormat}'s rules, the same as training data: finite decimal numbers, unique
 * non-empty header names; a leading byte order mark is skipped.
 */
final class InputRows {
  /** One JSON value per line: text after it is an error, not ignored. */
  private static final ObjectReader JSON =
      new ObjectMapper()
          .readerFor(JsonNode.class)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final String source;
  private final List<String> inputs;

  /**
   * @param source the file name for messages ({@code stdin} for {@code -})
   * @param inputs the model's input names, in the order it takes them
   */
  InputRows(String source, List<String> inputs) {
    this.source = source;
    this.inputs = List.copyOf(inputs);
  }

  /**
   * Reads every row from bytes, decoded strictly as UTF-8: bytes that are not UTF-8 are refused
   * with the line and byte offset, never replaced.
   */
  List<double[]> read(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    try {
      Utf8Text.Lines r = Utf8Text.lines(in, source);
      for (String l = r.next(); l != null; l = r.next()) {
        lines.add(l);
      }
    } catch (ConfigException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    return rows(lines);
  }

  /**
   * Reads every row from text already decoded (a leading byte order mark is skipped); prefer {@link
   * #read(InputStream)}, which also refuses bytes that are not UTF-8.
   */
  List<double[]> read(BufferedReader reader) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l = reader.readLine(); l != null; l = reader.readLine()) {
      lines.add(lines.isEmpty() && l.startsWith("\uFEFF") ? l.substring(1) : l);
    }
    return rows(lines);
  }

  private List<double[]> rows(List<String> lines) {
    try {
      return parse(lines);
    } catch (ConfigException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  private List<double[]> parse(List<String> lines) {
    int first = 0;
    while (first < lines.size() && lines.get(first).isBlank()) {
      first++;
    }
    if (first == lines.size()) {
      throw new BadInputException(source + ": no input rows (expected CSV or JSON lines)");
    }
    String head = lines.get(first).strip();
    if (head.startsWith("[") || head.startsWith("{")) {
      return json(lines);
    }
    return csv(lines, first);
  }

  private List<double[]> json(List<String> lines) {
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = source + ":" + (i + 1);
      JsonNode node;
      try {
        node = JSON.readTree(line);
        if (node == null) {
          throw new BadInputException(where + ": not valid JSON (no value)");
        }
      } catch (JsonProcessingException e) {
        throw new BadInputException(
            where
                + ": not valid JSON ("
                + e.getOriginalMessage()
                + "); each line must be a JSON array of "
                + inputs.size()
                + " numbers or an object with the keys "
                + String.join(", ", inputs));
      }
      double[] row = new double[inputs.size()];
      if (node.isArray()) {
        if (node.size() != inputs.size()) {
          throw new BadInputException(
              where
                  + ": "
                  + node.size()
                  + " values, expected "
                  + inputs.size()
                  + " ("
                  + String.join(", ", inputs)
                  + ")");
        }
        for (int j = 0; j < row.length; j++) {
          row[j] = number(node.get(j), where, inputs.get(j));
        }
      } else if (node.isObject()) {
        for (int j = 0; j < row.length; j++) {
          JsonNode v = node.get(inputs.get(j));
          if (v == null) {
            throw new BadInputException(
                where
                    + ": missing key '"
                    + inputs.get(j)
                    + "'; keys found: "
                    + fieldNames(node)
                    + "; expected: "
                    + String.join(", ", inputs));
          }
          row[j] = number(v, where, inputs.get(j));
        }
      } else {
        throw new BadInputException(
            where + ": expected a JSON array or object, found " + node.getNodeType());
      }
      rows.add(row);
    }
    return rows;
  }

  private static String fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names.isEmpty() ? "(none)" : String.join(", ", names);
  }

  private static double number(JsonNode v, String where, String name) {
    if (!v.isNumber()) {
      throw new BadInputException(
          where + ": '" + name + "' must be a number, found " + v.toString());
    }
    double d = v.doubleValue();
    if (!Float.isFinite((float) d)) {
      throw new BadInputException(
          where
              + ": '"
              + name
              + "' must be a finite number within ±3.4e38 (a 32-bit float), found "
              + v.toString());
    }
    return d;
  }

  private List<double[]> csv(List<String> lines, int first) {
    String headerWhere = source + ":" + (first + 1);
    List<String> header = CsvFormat.split(lines.get(first), ',', headerWhere);
    // A first line of numbers (or what a careless writer takes for numbers: NaN, 1d) is data.
    boolean numeric = true;
    for (String cell : header) {
      if (!looksNumeric(cell)) {
        numeric = false;
        break;
      }
    }
    int[] columns = new int[inputs.size()];
    int start;
    int width;
    if (numeric) {
      for (int j = 0; j < columns.length; j++) {
        columns[j] = j;
      }
      start = first;
      width = inputs.size();
    } else {
      CsvFormat.checkHeader(header, headerWhere);
      Map<String, Integer> index = new HashMap<>();
      for (int c = 0; c < header.size(); c++) {
        index.put(header.get(c), c);
      }
      for (int j = 0; j < columns.length; j++) {
        Integer c = index.get(inputs.get(j));
        if (c == null) {
          throw new BadInputException(
              source
                  + ": missing column '"
                  + inputs.get(j)
                  + "'; header found: "
                  + String.join(",", header)
                  + "; the model's inputs are: "
                  + String.join(",", inputs));
        }
        columns[j] = c;
      }
      start = first + 1;
      width = header.size();
    }
    List<double[]> rows = new ArrayList<>();
    for (int i = start; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String where = source + ":" + (i + 1);
      List<String> cells = CsvFormat.split(lines.get(i), ',', where);
      if (cells.size() != width) {
        throw new BadInputException(
            where
                + ": "
                + cells.size()
                + " values, expected "
                + width
                + (numeric ? " (" + String.join(", ", inputs) + ")" : " (as in the header)"));
      }
      double[] row = new double[columns.length];
      for (int j = 0; j < columns.length; j++) {
        row[j] =
            CsvFormat.numberAsDouble(cells.get(columns[j]), where, columns[j] + 1, inputs.get(j));
      }
      rows.add(row);
    }
    return rows;
  }

  /** Whether Java would read {@code s} as a number (then it is data, checked by the rules). */
  private static boolean looksNumeric(String s) {
    if (s.isEmpty()) {
      return false;
    }
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** A CSV cell: quoted when it holds a comma, quote or line break. */
  static String cell(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}

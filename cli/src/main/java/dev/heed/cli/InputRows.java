package dev.heed.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
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
 */
final class InputRows {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** Reads every row. */
  List<double[]> read(BufferedReader reader) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String l = reader.readLine(); l != null; l = reader.readLine()) {
      lines.add(l);
    }
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
    return v.doubleValue();
  }

  private List<double[]> csv(List<String> lines, int first) {
    List<String> header = split(lines.get(first), source + ":" + (first + 1));
    boolean numeric = true;
    for (String cell : header) {
      if (!isNumber(cell)) {
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
      Map<String, Integer> index = new HashMap<>();
      for (int c = 0; c < header.size(); c++) {
        index.putIfAbsent(header.get(c).strip(), c);
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
      List<String> cells = split(lines.get(i), where);
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
        String cell = cells.get(columns[j]).strip();
        if (!isNumber(cell)) {
          throw new BadInputException(
              where + ": column '" + inputs.get(j) + "': '" + cell + "' is not a number");
        }
        row[j] = Double.parseDouble(cell);
      }
      rows.add(row);
    }
    return rows;
  }

  private static boolean isNumber(String s) {
    String t = s.strip();
    if (t.isEmpty()) {
      return false;
    }
    try {
      Double.parseDouble(t);
      return !t.endsWith("d") && !t.endsWith("D") && !t.endsWith("f") && !t.endsWith("F");
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Splits one CSV line (RFC 4180 quotes, no line breaks inside fields). */
  static List<String> split(String line, String where) {
    List<String> cells = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        cells.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      throw new BadInputException(where + ": unterminated quote");
    }
    cells.add(cur.toString());
    return cells;
  }

  /** A CSV cell: quoted when it holds a comma, quote or line break. */
  static String cell(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}

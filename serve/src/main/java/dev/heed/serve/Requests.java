package dev.heed.serve;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads request bodies and checks every field, answering what is wrong with an {@link ApiError}
 * that names the field and what was expected. Stateless.
 */
final class Requests {
  private static final ObjectReader JSON =
      new ObjectMapper()
          .readerFor(JsonNode.class)
          .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Requests() {}

  /** The body as a JSON object. */
  static JsonNode object(byte[] body, String example) {
    if (body.length == 0) {
      throw new ApiError(400, "the request has no body; expected " + example, null, example);
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ApiError(
          400, "the body is not valid JSON" + where + ": " + e.getOriginalMessage(), null, example);
    } catch (java.io.IOException e) {
      throw new ApiError(400, "the body could not be read: " + e.getMessage(), null, example);
    }
    if (root == null || !root.isObject()) {
      throw new ApiError(
          400, "the body is " + kind(root) + "; expected a JSON object: " + example, null, example);
    }
    return root;
  }

  /** Refuses fields other than {@code known}, naming the first one. */
  static void onlyFields(JsonNode root, Set<String> known) {
    Iterator<String> names = root.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        String expected = "one of " + String.join(", ", known.stream().sorted().toList());
        throw new ApiError(400, n + ": unknown field; expected " + expected, n, expected);
      }
    }
  }

  /**
   * The {@code rows} of a predict request: {@code {"rows": [[x, …], …]}}, each row {@code inputs}
   * numbers wide, at most {@code maxRows} rows.
   */
  static List<double[]> rows(byte[] body, List<String> inputs, int maxRows) {
    int width = inputs.size();
    String rowShape =
        "an array of "
            + width
            + " numbers ("
            + (width <= 6
                ? String.join(", ", inputs)
                : String.join(", ", inputs.subList(0, 3)) + ", … " + inputs.get(width - 1))
            + ")";
    String example = "{\"rows\": [" + rowShape + ", …]}";
    JsonNode root = object(body, example);
    onlyFields(root, Set.of("rows"));
    JsonNode rows = root.get("rows");
    if (rows == null) {
      throw ApiError.badField("rows", "nothing", "an array of rows, each " + rowShape);
    }
    if (!rows.isArray()) {
      throw ApiError.badField("rows", kind(rows), "an array of rows, each " + rowShape);
    }
    if (rows.isEmpty()) {
      throw ApiError.badField("rows", "an empty array", "at least one row, each " + rowShape);
    }
    if (rows.size() > maxRows) {
      throw new ApiError(
          413,
          "rows: found " + rows.size() + " rows, expected at most " + maxRows + " per request",
          "rows",
          "at most " + maxRows + " rows");
    }
    List<double[]> out = new ArrayList<>(rows.size());
    for (int r = 0; r < rows.size(); r++) {
      JsonNode row = rows.get(r);
      String field = "rows[" + r + "]";
      if (!row.isArray()) {
        throw ApiError.badField(field, kind(row), rowShape);
      }
      if (row.size() != width) {
        throw ApiError.badField(field, row.size() + " values", rowShape);
      }
      double[] x = new double[width];
      for (int k = 0; k < width; k++) {
        JsonNode v = row.get(k);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
          throw ApiError.badField(
              field + "[" + k + "]", kind(v), "a finite number (" + inputs.get(k) + ")");
        }
        x[k] = v.asDouble();
      }
      out.add(x);
    }
    return out;
  }

  /** What a JSON value is, for messages. */
  static String kind(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      String t = v.asText();
      return "the string \"" + (t.length() > 20 ? t.substring(0, 20) + "…" : t) + "\"";
    }
    if (v.isBoolean()) {
      return v.asText();
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    if (v.isArray()) {
      return "an array";
    }
    return "an object";
  }
}

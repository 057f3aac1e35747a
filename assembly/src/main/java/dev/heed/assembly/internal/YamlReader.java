package dev.heed.assembly.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.Origin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML or JSON into {@link Node}s with positions, through Jackson's streaming parser only: no
 * object is ever constructed from the text, YAML tags ({@code !!java/...}, {@code !foo}) and
 * aliases are rejected, and duplicate keys are errors. Stateless and thread-safe.
 */
public final class YamlReader {
  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = YAMLFactory.builder().build();

  private YamlReader() {}

  /**
   * Parses {@code text}.
   *
   * @param file the file for positions (may be null)
   * @param label used instead of a file name when {@code file} is null
   * @param json true for JSON, false for YAML
   * @throws ConfigException for syntax errors, tags, aliases and duplicate keys
   */
  public static Node parse(String text, Path file, String label, boolean json) {
    try (JsonParser p = (json ? JSON : YAML).createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new Node.MapNode(Map.of(), Map.of(), origin(p, file, label));
      }
      Node root = value(p, file, label);
      if (p.nextToken() != null) {
        throw new ConfigException(
            origin(p, file, label), "", "found a second document, expected exactly one");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      Origin o =
          file == null
              ? Origin.argument(label)
              : l == null ? Origin.at(file, 0, 0) : Origin.at(file, l.getLineNr(), l.getColumnNr());
      throw new ConfigException(
          o,
          "",
          "not valid " + (json ? "JSON" : "YAML") + ": " + oneLine(e.getOriginalMessage()),
          e);
    } catch (IOException e) {
      throw new ConfigException(
          file == null ? Origin.argument(label) : Origin.at(file, 0, 0),
          "",
          "cannot read: " + e.getMessage(),
          e);
    }
  }

  /** The parser's message without its source excerpts: the position is in the prefix already. */
  private static String oneLine(String message) {
    List<String> parts = new ArrayList<>();
    for (String line : message.split("\\R")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("in 'reader'") || t.startsWith("^") || line.startsWith(" ")) {
        continue;
      }
      parts.add(t);
    }
    return parts.isEmpty() ? message.strip() : String.join("; ", parts);
  }

  private static Node value(JsonParser p, Path file, String label) throws IOException {
    Origin here = origin(p, file, label);
    if (p instanceof YAMLParser y) {
      if (y.isCurrentAlias()) {
        throw new ConfigException(
            here,
            "",
            "found the YAML alias '*"
                + p.getText()
                + "', expected a plain value (aliases and"
                + " anchors are not supported)");
      }
      String tag = y.getTypeId();
      if (tag != null) {
        throw new ConfigException(
            here,
            "",
            "found the YAML tag '!"
                + tag
                + "', expected a plain value (tags are not allowed in Heed configs)");
      }
    }
    return switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Origin> keys = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          Origin keyOrigin = origin(p, file, label);
          if (entries.containsKey(key)) {
            throw new ConfigException(
                keyOrigin,
                "",
                "found the key '"
                    + key
                    + "' twice in one mapping (first at line "
                    + keys.get(key).line()
                    + "), expected each key once");
          }
          p.nextToken();
          keys.put(key, keyOrigin);
          entries.put(key, value(p, file, label));
        }
        yield new Node.MapNode(entries, keys, here);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(value(p, file, label));
        }
        yield new Node.ListNode(items, here);
      }
      case VALUE_STRING -> new Node.Scalar(p.getText(), here);
      case VALUE_NUMBER_INT -> new Node.Scalar(p.getLongValue(), here);
      case VALUE_NUMBER_FLOAT -> new Node.Scalar(p.getDoubleValue(), here);
      case VALUE_TRUE -> new Node.Scalar(Boolean.TRUE, here);
      case VALUE_FALSE -> new Node.Scalar(Boolean.FALSE, here);
      case VALUE_NULL -> new Node.Scalar(null, here);
      default ->
          throw new ConfigException(here, "", "unexpected " + p.currentToken() + " in the text");
    };
  }

  private static Origin origin(JsonParser p, Path file, String label) {
    if (file == null) {
      return Origin.argument(label);
    }
    JsonLocation l = p.currentTokenLocation();
    return Origin.at(file, l.getLineNr(), l.getColumnNr());
  }
}

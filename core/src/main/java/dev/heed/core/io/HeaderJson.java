package dev.heed.core.io;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The strict JSON subset of a safetensors header: objects, arrays, strings, integers. Core has no
 * third-party dependencies, so this small parser exists for this one format. Rejects anything else
 * (floats, booleans, trailing text, duplicate keys) with the byte position.
 */
final class HeaderJson {
  /**
   * The deepest nesting of objects and arrays accepted. A safetensors header needs three levels
   * (header, tensor, shape); the bound keeps the recursive parser far from the end of the stack.
   */
  static final int MAX_DEPTH = 64;

  private final String text;
  private final String file;
  private int pos;
  private int depth;

  private HeaderJson(String text, String file) {
    this.text = text;
    this.file = file;
  }

  /** Parses a header; the result is a map of maps, lists, strings and longs. */
  static Map<String, Object> parse(String text, String file) {
    HeaderJson p = new HeaderJson(text, file);
    p.skipSpace();
    Object v = p.value();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the header object");
    }
    if (!(v instanceof Map<?, ?>)) {
      throw p.error("the header must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  private Object value() {
    if (pos >= text.length()) {
      throw error("unexpected end of header");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> nested(true);
      case '[' -> nested(false);
      case '"' -> string();
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield integer();
        }
        throw error("unexpected character '" + c + "'");
      }
    };
  }

  /** An object or array, one level deeper than the value that holds it. */
  private Object nested(boolean object) {
    if (++depth > MAX_DEPTH) {
      throw error(
          "objects and arrays nested more than "
              + MAX_DEPTH
              + " levels deep (a safetensors header needs 3)");
    }
    Object v = object ? object() : array();
    depth--;
    return v;
  }

  private Map<String, Object> object() {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
      return m;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a quoted key");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object v = value();
      if (m.put(key, v) != null) {
        throw error("duplicate key \"" + key + "\"");
      }
      skipSpace();
      char c = next();
      if (c == '}') {
        return m;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() {
    List<Object> list = new ArrayList<>();
    pos++;
    skipSpace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipSpace();
      list.add(value());
      skipSpace();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    pos++;
    StringBuilder b = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\') {
        char e = next();
        switch (e) {
          case '"', '\\', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (pos + 4 > text.length()) {
              throw error("truncated \\u escape");
            }
            try {
              b.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            pos += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      } else if (c < 0x20) {
        throw error("control character in a string");
      } else {
        b.append(c);
      }
    }
  }

  private Long integer() {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    // ASCII digits only: Character.isDigit would let Long.parseLong read other scripts' digits
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    if (pos < text.length()
        && (text.charAt(pos) == '.' || text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      throw error("only integers are allowed in a safetensors header");
    }
    try {
      return Long.parseLong(text.substring(start, pos));
    } catch (NumberFormatException e) {
      throw error("bad integer");
    }
  }

  private void skipSpace() {
    // JSON's four whitespace characters, not every Unicode space
    while (pos < text.length() && " \t\n\r".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end of header");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private SafeTensorsException error(String what) {
    return new SafeTensorsException(
        file
            + ": corrupt safetensors header at byte "
            + (8 + text.substring(0, Math.min(pos, text.length())).getBytes(UTF_8).length)
            + ": "
            + what);
  }

  /** Writes a JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}

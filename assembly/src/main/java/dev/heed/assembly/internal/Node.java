package dev.heed.assembly.internal;

import dev.heed.assembly.api.Origin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed YAML/JSON value that remembers where each part came from. Immutable by convention. */
public sealed interface Node {

  /** Where the value starts. */
  Origin origin();

  /** What this value is, for "found ..." messages. */
  String describe();

  /**
   * A mapping.
   *
   * @param entries values by key, in file order
   * @param keyOrigins where each key is
   */
  record MapNode(Map<String, Node> entries, Map<String, Origin> keyOrigins, Origin origin)
      implements Node {
    /** Copies preserving order. */
    public MapNode {
      entries = new LinkedHashMap<>(entries);
      keyOrigins = new LinkedHashMap<>(keyOrigins);
    }

    @Override
    public String describe() {
      return "a mapping";
    }
  }

  /** A sequence. */
  record ListNode(List<Node> items, Origin origin) implements Node {
    /** Copies. */
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /**
   * A scalar: {@link String}, {@link Long}, {@link Double}, {@link Boolean}, or null.
   *
   * @param value the value
   */
  record Scalar(Object value, Origin origin) implements Node {
    @Override
    public String describe() {
      if (value == null) {
        return "null";
      }
      if (value instanceof String s) {
        return "'" + s + "' (text)";
      }
      String type =
          value instanceof Boolean ? "boolean" : value instanceof Double ? "number" : "integer";
      return value + " (" + type + ")";
    }
  }
}

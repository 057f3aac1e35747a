package dev.heed.assembly.internal;

import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.Origin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies command-line overrides {@code a.b=value} and {@code model.layers[1].units=20} to a parsed
 * tree. The value is read as a YAML scalar (or flow collection: {@code [a, b]}). A missing key is
 * added; a plugin given by name ({@code optimizer: sgd}) becomes {@code {name: sgd}} when an option
 * is set inside it. An empty value is an error ({@code null} unsets a key). The validator then
 * checks the result, so a misspelt key gets its "did you mean".
 */
public final class Overrides {
  private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_\\-]+)((?:\\[\\d+])*)");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

  private Overrides() {}

  /** Applies every override in order. */
  public static Node apply(Node root, List<String> overrides) {
    Node result = root;
    for (String o : overrides) {
      result = applyOne(result, o);
    }
    return result;
  }

  private static Node applyOne(Node root, String override) {
    Origin where = Origin.argument("--set " + override);
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(
          where,
          "",
          "found no '=', expected --set KEY.PATH=VALUE (for example --set optimizer.lr=0.1)");
    }
    String path = override.substring(0, eq).trim();
    List<Object> steps = new ArrayList<>();
    for (String seg : path.split("\\.", -1)) {
      Matcher m = SEGMENT.matcher(seg);
      if (!m.matches()) {
        throw new ConfigException(
            where,
            path,
            "found the key path '"
                + path
                + "', expected keys separated by dots with optional list indices (for example"
                + " model.layers[0].units)");
      }
      steps.add(m.group(1));
      Matcher ix = INDEX.matcher(m.group(2));
      while (ix.find()) {
        int index;
        try {
          index = Integer.parseInt(ix.group(1));
        } catch (NumberFormatException e) {
          throw new ConfigException(
              where,
              path,
              "found the list index ["
                  + ix.group(1)
                  + "], which no list can have; expected the index of an existing item (from 0)");
        }
        steps.add(index);
      }
    }
    String text = override.substring(eq + 1);
    if (text.isBlank()) {
      throw new ConfigException(
          where,
          path,
          "found no value after '=', expected --set "
              + path
              + "=VALUE (write --set "
              + path
              + "=null to unset the key)");
    }
    Node value = YamlReader.parse(text, null, "--set " + override, false);
    if (value instanceof Node.MapNode m && m.entries().isEmpty()) {
      value = new Node.Scalar(null, where);
    }
    return set(root, steps, 0, value, where, "");
  }

  private static Node set(
      Node node, List<Object> steps, int i, Node value, Origin where, String done) {
    if (i == steps.size()) {
      return value;
    }
    Object step = steps.get(i);
    if (step instanceof Integer index) {
      if (!(node instanceof Node.ListNode list) || index >= list.items().size()) {
        int size = node instanceof Node.ListNode l ? l.items().size() : 0;
        throw new ConfigException(
            where,
            done,
            "found "
                + (node == null ? "nothing" : node.describe())
                + (node instanceof Node.ListNode ? " of " + size : "")
                + ", expected a list with an item ["
                + index
                + "]");
      }
      List<Node> items = new ArrayList<>(list.items());
      items.set(index, set(items.get(index), steps, i + 1, value, where, done + "[" + index + "]"));
      return new Node.ListNode(items, list.origin());
    }
    String key = (String) step;
    Node.MapNode map;
    if (node instanceof Node.MapNode m) {
      map = m;
    } else if (node == null || node instanceof Node.Scalar s && s.value() == null) {
      map = new Node.MapNode(Map.of(), Map.of(), where);
    } else if (node instanceof Node.Scalar s && s.value() instanceof String name) {
      Map<String, Node> e = new LinkedHashMap<>();
      e.put("name", s);
      map = new Node.MapNode(e, Map.of("name", s.origin()), s.origin());
    } else {
      throw new ConfigException(
          where, done, "found " + node.describe() + ", expected a mapping to set '" + key + "' in");
    }
    Map<String, Node> entries = new LinkedHashMap<>(map.entries());
    Map<String, Origin> keys = new LinkedHashMap<>(map.keyOrigins());
    entries.put(key, set(entries.get(key), steps, i + 1, value, where, Validator.join(done, key)));
    keys.put(key, where);
    return new Node.MapNode(entries, keys, map.origin());
  }
}

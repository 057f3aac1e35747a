package dev.heed.assembly.internal;

import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.Origin;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.config.PluginRef;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.PluginException;
import dev.heed.core.plugin.Registry;
import dev.heed.core.plugin.Suggestions;
import dev.heed.core.plugin.UnknownPluginException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@link Node} tree against a {@link Section} and builds the resolved tree: maps with
 * every key (defaults filled in, unset optional keys as null), lists, {@link Long}, {@link Double},
 * {@link Boolean}, {@link String}, {@link PluginRef} (a plugin with its options resolved, once,
 * against its schema, plugins inside its options included) and {@link PendingLayer}. Records where
 * each config path came from. Not thread-safe; one per config.
 */
public final class Validator {
  private final PluginSet plugins;
  private final Map<String, Origin> origins = new LinkedHashMap<>();
  private final List<ConfigException> errors = new ArrayList<>();

  /** A validator that checks plugin names and options against {@code plugins}. */
  public Validator(PluginSet plugins) {
    this.plugins = plugins;
  }

  /**
   * The problems found so far, in config order: {@link #section} checks every key and records each
   * problem here instead of stopping at the first.
   */
  public List<ConfigException> errors() {
    return errors;
  }

  /** Where each visited config path came from. */
  public Map<String, Origin> origins() {
    return origins;
  }

  /** Validates {@code node} as a mapping of {@code section}. */
  public Map<String, Object> section(Node node, Section section, String path) {
    origins.put(path, node.origin());
    if (!(node instanceof Node.MapNode map)) {
      throw new ConfigException(
          node.origin(),
          path,
          "found " + node.describe() + ", expected " + new FieldType.Obj(section).expected());
    }
    for (var e : map.entries().entrySet()) {
      if (section.field(e.getKey()) == null) {
        errors.add(
            new ConfigException(
                map.keyOrigins().get(e.getKey()),
                join(path, e.getKey()),
                "unknown key '"
                    + e.getKey()
                    + "'"
                    + Suggestions.didYouMean(e.getKey(), section.names())
                    + "; allowed keys: "
                    + String.join(", ", section.names())));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Section.Field f : section.fields()) {
      try {
        field(map, f, path, out);
      } catch (ConfigException e) {
        // every key is checked, so a config with several mistakes hears of all of them at once
        errors.add(e);
        out.put(f.name(), null);
      }
    }
    return out;
  }

  /** Checks field {@code f} of {@code map} and puts its value into {@code out}. */
  private void field(Node.MapNode map, Section.Field f, String path, Map<String, Object> out) {
    String p = join(path, f.name());
    Node v = map.entries().get(f.name());
    if (v == null || (v instanceof Node.Scalar s && s.value() == null)) {
      if (f.required()) {
        throw new ConfigException(
            v == null ? map.origin() : v.origin(),
            p,
            (v == null ? "missing" : "found null")
                + ", expected "
                + f.type().expected()
                + " ("
                + f.description()
                + ")");
      }
      if (f.type() instanceof FieldType.Obj o) {
        out.put(
            f.name(), section(new Node.MapNode(Map.of(), Map.of(), map.origin()), o.section(), p));
      } else if (f.defaultValue() != null && f.type() instanceof FieldType.Plugin pl) {
        out.put(f.name(), value(new Node.Scalar(f.defaultValue(), map.origin()), pl, p));
      } else {
        out.put(f.name(), normalizeDefault(f.defaultValue()));
      }
      return;
    }
    out.put(f.name(), value(v, f.type(), p));
  }

  private static Object normalizeDefault(Object d) {
    return d instanceof Integer i ? Long.valueOf(i) : d;
  }

  /** Validates one value. */
  public Object value(Node node, FieldType type, String path) {
    origins.put(path, node.origin());
    Object raw = node instanceof Node.Scalar s ? s.value() : null;
    return switch (type) {
      case FieldType.Int t -> {
        long v;
        if (raw instanceof Long l) {
          v = l;
        } else if (raw instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e18) {
          v = d.longValue();
        } else {
          throw found(node, path, t.expected());
        }
        if (v < t.min() || v > t.max()) {
          throw found(node, path, t.expected());
        }
        yield v;
      }
      case FieldType.Num t -> {
        if (!(raw instanceof Number n)) {
          throw found(node, path, t.expected());
        }
        double v = n.doubleValue();
        if (Double.isNaN(v) || v < t.min() || v > t.max()) {
          throw found(node, path, t.expected());
        }
        yield v;
      }
      case FieldType.Bool t -> {
        if (!(raw instanceof Boolean b)) {
          throw found(node, path, t.expected());
        }
        yield b;
      }
      case FieldType.Text t -> {
        if (!(raw instanceof String s)) {
          throw found(node, path, t.expected());
        }
        if (!t.choices().isEmpty() && !t.choices().contains(s)) {
          throw new ConfigException(
              node.origin(),
              path,
              "found "
                  + node.describe()
                  + Suggestions.didYouMean(s, t.choices())
                  + "; expected "
                  + t.expected());
        }
        yield s;
      }
      case FieldType.Obj t -> section(node, t.section(), path);
      case FieldType.ListOf t -> {
        if (!(node instanceof Node.ListNode list)) {
          throw found(node, path, t.expected());
        }
        if (list.items().size() < t.minSize()) {
          throw new ConfigException(
              node.origin(),
              path,
              "found a list of " + list.items().size() + ", expected " + t.expected());
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
          out.add(value(list.items().get(i), t.item(), path + "[" + i + "]"));
        }
        yield out;
      }
      case FieldType.Plugin t -> plugin(node, t, path);
      case FieldType.LayerSpec t -> layer(node, path);
      case FieldType.DataSpec t -> data(node, t, path);
    };
  }

  private static ConfigException found(Node node, String path, String expected) {
    return new ConfigException(
        node.origin(), path, "found " + node.describe() + ", expected " + expected);
  }

  private PluginRef plugin(Node node, FieldType.Plugin type, String path) {
    String name;
    Node nameNode;
    if (node instanceof Node.Scalar s && s.value() instanceof String str) {
      name = str;
      nameNode = node;
    } else if (node instanceof Node.MapNode map) {
      nameNode = map.entries().get("name");
      if (nameNode == null
          || !(nameNode instanceof Node.Scalar ns && ns.value() instanceof String)) {
        throw new ConfigException(
            nameNode == null ? map.origin() : nameNode.origin(),
            join(path, "name"),
            (nameNode == null ? "missing" : "found " + nameNode.describe())
                + ", expected the "
                + type.kind()
                + " name ("
                + names(type.kind())
                + ")");
      }
      name = (String) ((Node.Scalar) nameNode).value();
      for (var e : map.entries().entrySet()) {
        record(e.getValue(), join(path, e.getKey()));
      }
    } else {
      throw found(node, path, type.expected());
    }
    String namePath = node instanceof Node.MapNode ? join(path, "name") : path;
    if (type.allowAuto() && name.equals("auto")) {
      if (node instanceof Node.MapNode map && map.entries().size() > 1) {
        String first =
            map.entries().keySet().stream()
                .filter(k -> !k.equals("name"))
                .findFirst()
                .orElseThrow();
        throw new ConfigException(
            map.keyOrigins().get(first),
            join(path, first),
            "found an option with backend auto, expected options only with a backend named"
                + " explicitly");
      }
      return PluginRef.auto(type.kind());
    }
    try {
      return PluginRef.of(
          plugins
              .registry(type.kind())
              .configure(plain(node), type.kind() + " '" + name + "'", plugins));
    } catch (UnknownPluginException e) {
      throw new ConfigException(
          nameNode.origin(),
          namePath,
          e.getMessage() + (type.allowAuto() ? "; or use auto for the best available backend" : ""),
          e);
    } catch (OptionsException e) {
      throw located(node, path, e);
    } catch (PluginException e) {
      throw new ConfigException(nameNode.origin(), namePath, e.getMessage(), e);
    }
  }

  /** Records the origin of {@code node} and of everything inside it. */
  private void record(Node node, String path) {
    origins.putIfAbsent(path, node.origin());
    if (node instanceof Node.MapNode m) {
      m.entries().forEach((k, v) -> record(v, join(path, k)));
    } else if (node instanceof Node.ListNode l) {
      for (int i = 0; i < l.items().size(); i++) {
        record(l.items().get(i), path + "[" + i + "]");
      }
    }
  }

  /**
   * A config error for an option refused by a plugin's schema: located at the option's value (or
   * its key when the option is unknown), found by its dotted path ({@code unit.num_heads}) inside
   * {@code node}.
   */
  ConfigException located(Node node, String path, OptionsException e) {
    String option = e.option() == null ? "" : e.option();
    Origin at = node.origin();
    Node current = node;
    for (String key : option.isEmpty() ? new String[0] : option.split("\\.")) {
      String bare = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
      if (!(current instanceof Node.MapNode m) || !m.entries().containsKey(bare)) {
        break;
      }
      Node v = m.entries().get(bare);
      boolean unknownKey = e.getMessage().contains("has no option '" + bare + "'");
      at = unknownKey ? m.keyOrigins().get(bare) : v.origin();
      current = v;
      if (key.contains("[") && v instanceof Node.ListNode l) {
        try {
          int i = Integer.parseInt(key.substring(key.indexOf('[') + 1, key.indexOf(']')));
          if (i < l.items().size()) {
            current = l.items().get(i);
            at = current.origin();
          }
        } catch (NumberFormatException ignored) {
          // the whole list is the location
        }
      }
    }
    return new ConfigException(at, option.isEmpty() ? path : join(path, option), e.getMessage(), e);
  }

  /**
   * A layer entry: its type checked against the layer plugins, its options left for {@link
   * #layerOptions} (the config loader adds defaults that depend on the data, then resolves once).
   *
   * @param type the provider's canonical name
   * @param node the entry
   * @param path its config path
   */
  public record PendingLayer(String type, Node.MapNode node, String path) {}

  private Object layer(Node node, String path) {
    if (!(node instanceof Node.MapNode map)) {
      throw found(node, path, new FieldType.LayerSpec().expected());
    }
    record(node, path);
    Node typeNode = map.entries().get("type");
    List<String> types = plugins.layers().names();
    if (!(typeNode instanceof Node.Scalar s && s.value() instanceof String type)) {
      throw new ConfigException(
          typeNode == null ? map.origin() : typeNode.origin(),
          join(path, "type"),
          (typeNode == null ? "missing" : "found " + typeNode.describe())
              + ", expected the layer type: one of "
              + String.join(", ", types));
    }
    LayerProvider provider;
    try {
      provider = plugins.layers().find(type).orElse(null);
    } catch (PluginException e) {
      throw new ConfigException(typeNode.origin(), join(path, "type"), e.getMessage(), e);
    }
    if (provider == null) {
      throw new ConfigException(
          typeNode.origin(),
          join(path, "type"),
          "unknown layer type '"
              + type
              + "'"
              + Suggestions.didYouMean(type, types)
              + "; available: "
              + String.join(", ", types));
    }
    return new PendingLayer(provider.name(), map, path);
  }

  /**
   * The options of a layer entry, resolved once against its provider's schema, with {@code
   * defaults} for keys the entry leaves out.
   */
  public Options layerOptions(PendingLayer layer, Map<String, Object> defaults) {
    LayerProvider provider = plugins.layers().get(layer.type());
    Map<String, Object> raw = new LinkedHashMap<>(defaults);
    layer
        .node()
        .entries()
        .forEach((k, v) -> {
          if (!k.equals("type")) {
            raw.put(k, plain(v));
          }
        });
    try {
      return provider.options().resolve("layer '" + provider.name() + "'", raw, plugins);
    } catch (OptionsException e) {
      throw located(layer.node(), layer.path(), e);
    }
  }

  private Map<String, Object> data(Node node, FieldType.DataSpec spec, String path) {
    if (!(node instanceof Node.MapNode map)) {
      throw found(node, path, spec.expected());
    }
    record(node, path);
    Node typeNode = map.entries().get("type");
    Registry<DatasetProvider> datasets = plugins.datasets();
    if (!(typeNode instanceof Node.Scalar s && s.value() instanceof String type)) {
      throw new ConfigException(
          typeNode == null ? map.origin() : typeNode.origin(),
          join(path, "type"),
          (typeNode == null ? "missing" : "found " + typeNode.describe())
              + ", expected the data set: one of "
              + String.join(", ", datasets.names()));
    }
    DatasetProvider provider;
    try {
      provider = datasets.get(type);
    } catch (UnknownPluginException e) {
      throw new ConfigException(
          typeNode.origin(),
          join(path, "type"),
          "found '"
              + type
              + "'"
              + (e.suggestion() == null ? "" : "; did you mean '" + e.suggestion() + "'?")
              + "; expected one of "
              + String.join(", ", datasets.names()),
          e);
    } catch (PluginException e) {
      throw new ConfigException(typeNode.origin(), join(path, "type"), e.getMessage(), e);
    }
    Map<String, Node> common = new LinkedHashMap<>();
    Map<String, Origin> commonKeys = new LinkedHashMap<>();
    Map<String, Object> raw = new LinkedHashMap<>();
    for (var e : map.entries().entrySet()) {
      if (spec.section().field(e.getKey()) != null) {
        common.put(e.getKey(), e.getValue());
        commonKeys.put(e.getKey(), map.keyOrigins().get(e.getKey()));
      } else {
        raw.put(e.getKey(), plain(e.getValue()));
      }
    }
    Map<String, Object> out =
        section(new Node.MapNode(common, commonKeys, map.origin()), spec.section(), path);
    try {
      Options o = provider.options().resolve("data set '" + provider.name() + "'", raw, plugins);
      out.put("type", new PluginRef("dataset", provider.name(), o));
    } catch (OptionsException e) {
      throw located(node, path, e);
    }
    return out;
  }

  /** The names of a kind, for messages. */
  private String names(String kind) {
    List<String> n = plugins.registry(kind).names();
    return n.isEmpty() ? "none found on the path" : String.join(", ", n);
  }

  /** A node as plain Java values (maps, lists, scalars). */
  static Object plain(Node node) {
    return switch (node) {
      case Node.Scalar s ->
          s.value() instanceof Long l && l == l.intValue() ? l.intValue() : s.value();
      case Node.ListNode l -> {
        List<Object> out = new ArrayList<>();
        for (Node n : l.items()) {
          out.add(plain(n));
        }
        yield out;
      }
      case Node.MapNode m -> {
        Map<String, Object> out = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> out.put(k, plain(v)));
        yield out;
      }
    };
  }

  /** {@code a.b}, or {@code b} when {@code a} is empty. */
  public static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}

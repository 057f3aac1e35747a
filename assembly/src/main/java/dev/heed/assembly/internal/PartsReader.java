package dev.heed.assembly.internal;

import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.Origin;
import dev.heed.core.Plugins;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.nn.EncoderDecoder;
import dev.heed.core.nn.Layer;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.nn.MemoryLayer;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.PluginException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a model of named parts and builds it as an {@link EncoderDecoder}:
 *
 * <pre>
 * model:
 *   inputs:
 *     source: {vocabulary: 15}      # token ids (the features an embedding sees); or {features: n}
 *     target: {vocabulary: 15}
 *   parts:
 *     encoder:
 *       input: source                # a model input or another part
 *       layers: [ … layer plugins … ]
 *     decoder:
 *       input: target
 *       memory: encoder              # what its MemoryLayers read (an encoder's output)
 *       layers: [ … ]
 *   output: decoder
 * </pre>
 *
 * A part's input may be another part (its layers then follow that part's); the output part's chain
 * back to a model input is the decoder, its memory part's chain the encoder, each fed by a
 * different model input. A memory layer whose options have {@code memory_features} and leave it out
 * gets the memory part's width. Every mistake is a {@link ConfigException} with the config path and
 * the line: an unknown input or part (with the names known and a "did you mean"), a cycle, a memory
 * layer without a memory, a memory that no layer reads, a memory of the wrong width, a layer's
 * unknown type or bad options.
 */
public final class PartsReader {
  private final Plugins plugins;
  private final BuildContext ctx;
  private final Map<String, Integer> inputs = new LinkedHashMap<>();
  private final Map<String, Node.MapNode> parts = new LinkedHashMap<>();
  private final Map<String, Integer> widths = new LinkedHashMap<>();
  private final Map<String, List<Layer>> built = new LinkedHashMap<>();

  private PartsReader(Plugins plugins, BuildContext ctx) {
    this.plugins = plugins;
    this.ctx = ctx;
  }

  /**
   * Builds the model that {@code root}'s {@code model} section describes.
   *
   * @throws ConfigException naming the config path and line of the first mistake
   */
  public static EncoderDecoder build(Node root, Plugins plugins, BuildContext ctx) {
    return new PartsReader(plugins, ctx).read(root);
  }

  private EncoderDecoder read(Node root) {
    Node.MapNode model = map(entry(map(root, ""), "model", ""), "model");
    check(model, "model", Set.of("inputs", "parts", "output"));
    Node.MapNode in = map(entry(model, "inputs", "model"), "model.inputs");
    in.entries().forEach((name, node) -> inputs.put(name, input(name, node)));
    Node.MapNode ps = map(entry(model, "parts", "model"), "model.parts");
    ps.entries()
        .forEach((name, node) -> {
          String path = "model.parts." + name;
          if (inputs.containsKey(name)) {
            throw error(node, path, "'" + name + "' names both a model input and a part");
          }
          Node.MapNode part = map(node, path);
          check(part, path, Set.of("input", "memory", "layers"));
          parts.put(name, part);
        });
    Node outputNode = entry(model, "output", "model");
    String output = name(outputNode, "model.output", false);
    for (String p : parts.keySet()) {
      width(p, new LinkedHashSet<>());
    }
    List<String> decoderChain = chain(output);
    String memory = memoryOf(output);
    if (memory == null || !parts.containsKey(memory)) {
      throw error(
          outputNode,
          "model.output",
          "part '"
              + output
              + "' reads no memory part; an encoder-decoder model's output part names the"
              + " encoder part as its memory");
    }
    List<String> encoderChain = chain(memory);
    for (String p : encoderChain) {
      if (memoryOf(p) != null) {
        throw error(
            parts.get(p).entries().get("memory"),
            "model.parts." + p + ".memory",
            "part '"
                + p
                + "' is on the encoder side (the memory of '"
                + output
                + "') and cannot"
                + " read a memory itself");
      }
    }
    for (String p : decoderChain) {
      String m = memoryOf(p);
      if (m != null && !m.equals(memory)) {
        throw error(
            parts.get(p).entries().get("memory"),
            "model.parts." + p + ".memory",
            "every decoder part reads the same memory, '" + memory + "'; found '" + m + "'");
      }
    }
    String source = root(memory);
    String target = root(output);
    if (source.equals(target)) {
      throw error(
          outputNode,
          "model.output",
          "the encoder ('"
              + memory
              + "') and the decoder ('"
              + output
              + "') both start from"
              + " input '"
              + source
              + "'; give each its own model input (source and target)");
    }
    return new EncoderDecoder(layers(encoderChain), layers(decoderChain));
  }

  private List<Layer> layers(List<String> chain) {
    List<Layer> out = new ArrayList<>();
    for (String p : chain) {
      out.addAll(built.get(p));
    }
    return out;
  }

  /** The parts from the model input up to {@code part}, first to last. */
  private List<String> chain(String part) {
    List<String> out = new ArrayList<>();
    for (String p = part; parts.containsKey(p); p = inputOf(p)) {
      out.addFirst(p);
    }
    return out;
  }

  private String root(String part) {
    String p = part;
    while (parts.containsKey(p)) {
      p = inputOf(p);
    }
    return p;
  }

  private String inputOf(String part) {
    return (String) ((Node.Scalar) parts.get(part).entries().get("input")).value();
  }

  private String memoryOf(String part) {
    Node m = parts.get(part).entries().get("memory");
    return m == null ? null : (String) ((Node.Scalar) m).value();
  }

  private int input(String name, Node node) {
    String path = "model.inputs." + name;
    Node.MapNode m = map(node, path);
    check(m, path, Set.of("vocabulary", "features"));
    if (m.entries().size() != 1) {
      throw error(
          node,
          path,
          "give exactly one of 'vocabulary' (token ids: the number of tokens) or 'features'"
              + " (vectors: their width)");
    }
    String key = m.entries().keySet().iterator().next();
    Node v = m.entries().get(key);
    if (!(v instanceof Node.Scalar s) || !(s.value() instanceof Long n) || n < 1 || n > 1 << 30) {
      throw error(v, path + "." + key, "found " + v.describe() + ", expected a positive integer");
    }
    return n.intValue();
  }

  /** The output width of {@code part}, building its layers on first use. */
  private int width(String part, Set<String> visiting) {
    Integer known = widths.get(part);
    if (known != null) {
      return known;
    }
    String path = "model.parts." + part;
    Node.MapNode node = parts.get(part);
    if (!visiting.add(part)) {
      throw error(
          node.entries().get("input"),
          path + ".input",
          "the parts " + String.join(" → ", visiting) + " → " + part + " form a cycle");
    }
    Node inputNode = entry(node, "input", path);
    String input = name(inputNode, path + ".input", true);
    int features =
        inputs.containsKey(input) ? inputs.get(input) : width(input, new LinkedHashSet<>(visiting));
    Node memoryNode = node.entries().get("memory");
    Integer memoryWidth = null;
    if (memoryNode != null) {
      String memory = name(memoryNode, path + ".memory", true);
      memoryWidth =
          inputs.containsKey(memory)
              ? inputs.get(memory)
              : width(memory, new LinkedHashSet<>(visiting));
    }
    if (!(entry(node, "layers", path) instanceof Node.ListNode list) || list.items().isEmpty()) {
      throw error(
          node.entries().get("layers"), path + ".layers", "expected a non-empty list of layers");
    }
    List<Layer> layers = new ArrayList<>();
    boolean readsMemory = false;
    for (int i = 0; i < list.items().size(); i++) {
      String at = path + ".layers[" + i + "]";
      Node.MapNode l = map(list.items().get(i), at);
      Node typeNode = entry(l, "type", at);
      if (!(typeNode instanceof Node.Scalar t) || !(t.value() instanceof String type)) {
        throw error(typeNode, at + ".type", "found " + typeNode.describe() + ", expected a name");
      }
      LayerProvider p;
      try {
        p = plugins.layers().get(type);
      } catch (PluginException e) {
        throw error(typeNode, at + ".type", e.getMessage());
      }
      Map<String, Object> raw = new LinkedHashMap<>();
      l.entries().forEach((k, v) -> raw.put(k, Validator.plain(v)));
      raw.remove("type");
      if (memoryWidth != null
          && p.options().find("memory_features") != null
          && !raw.containsKey("memory_features")) {
        raw.put("memory_features", memoryWidth);
      }
      Layer layer;
      try {
        Options o = p.options().resolve("layer '" + p.name() + "'", raw, plugins);
        layer = p.create(o, features, ctx);
        features = p.outputFeatures(o, features);
      } catch (OptionsException e) {
        String option = e.option() == null || e.option().isEmpty() ? "" : e.option();
        Node where = option.isEmpty() ? l : l.entries().getOrDefault(option.split("\\.")[0], l);
        throw error(where, option.isEmpty() ? at : at + "." + option, e.getMessage());
      } catch (IllegalArgumentException e) {
        throw error(l, at, e.getMessage());
      }
      if (layer instanceof MemoryLayer m) {
        readsMemory = true;
        if (memoryWidth == null) {
          throw error(
              l,
              at,
              "layer '"
                  + type
                  + "' reads a memory (an encoder's output); give part '"
                  + part
                  + "' a 'memory' (the encoder part's name)");
        }
        if (m.memoryFeatures() != memoryWidth) {
          throw error(
              l,
              at,
              "layer '"
                  + type
                  + "' reads a memory of "
                  + m.memoryFeatures()
                  + " features, but its memory gives "
                  + memoryWidth
                  + "; set memory_features to "
                  + memoryWidth
                  + " or change the memory part");
        }
      }
      layers.add(layer);
    }
    if (memoryNode != null && !readsMemory) {
      throw error(
          memoryNode,
          path + ".memory",
          "no layer of part '"
              + part
              + "' reads a memory (transformer-decoder, attention-decoder, …); drop 'memory' or add"
              + " one");
    }
    built.put(part, layers);
    widths.put(part, features);
    return features;
  }

  /** A name of an input or a part (inputs only when {@code inputsToo} is false: parts only). */
  private String name(Node node, String path, boolean inputsToo) {
    if (!(node instanceof Node.Scalar s) || !(s.value() instanceof String n)) {
      throw error(node, path, "found " + node.describe() + ", expected a name");
    }
    if (parts.containsKey(n) || (inputsToo && inputs.containsKey(n))) {
      return n;
    }
    List<String> known = new ArrayList<>();
    if (inputsToo) {
      known.addAll(inputs.keySet());
    }
    known.addAll(parts.keySet());
    String near = nearest(n, known);
    throw error(
        node,
        path,
        "'"
            + n
            + "' is not "
            + (inputsToo ? "a model input or a part" : "a part")
            + "; known: "
            + String.join(", ", known)
            + (near == null ? "" : " (did you mean '" + near + "'?)"));
  }

  private static String nearest(String name, List<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Node.MapNode map(Node node, String path) {
    if (node instanceof Node.MapNode m) {
      return m;
    }
    throw error(node, path, "found " + node.describe() + ", expected a mapping");
  }

  private static Node entry(Node.MapNode map, String key, String path) {
    Node n = map.entries().get(key);
    if (n == null) {
      throw error(map, Validator.join(path, key), "'" + key + "' is missing");
    }
    return n;
  }

  private static void check(Node.MapNode map, String path, Set<String> allowed) {
    for (String k : map.entries().keySet()) {
      if (!allowed.contains(k)) {
        Origin o = map.keyOrigins().getOrDefault(k, map.origin());
        throw new ConfigException(
            o,
            Validator.join(path, k),
            "unknown key '"
                + k
                + "'; allowed here: "
                + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  private static ConfigException error(Node node, String path, String problem) {
    return new ConfigException(node == null ? null : node.origin(), path, problem);
  }
}

package dev.heed.assembly;

import static org.junit.jupiter.api.Assertions.fail;

import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of small valid configs, run through config, assembly and one epoch on the cpu
 * backend: every case ends in a finished epoch or a {@link ConfigException}, never another
 * exception. The mutations work on the config tree: numbers to edge values, names swapped among the
 * valid ones, keys dropped, duplicated or added, layers reordered, duplicated or dropped, values of
 * another type. {@code -Dheed.fuzz.cases=N} sets the cases (default 300, about 3 s); {@code
 * -Dheed.fuzz.seed=S} the seed.
 */
class ConfigStepFuzzTest {
  private static final int CASES = Integer.getInteger("heed.fuzz.cases", 300);
  private static final long SEED = Long.getLong("heed.fuzz.seed", 16L);

  /** A scalar written into the YAML text as it is (an unquoted token). */
  private record Raw(String text) {}

  /** A key written twice into the YAML text. */
  private record Twice(Object value) {}

  private static final Object[] NUMBERS = {
    0,
    -1,
    1,
    2,
    0.5,
    -0.0,
    2147483647,
    -2147483648,
    new Raw("1e12"),
    new Raw("1e999"),
    new Raw(".nan"),
    new Raw(".inf"),
    "NaN",
    "abc",
    new Raw("null"),
    true
  };

  private static final String[] NAMES = {
    "dense",
    "dropout",
    "layer-norm",
    "residual",
    "feed-forward",
    "attention",
    "self-attention",
    "embedding",
    "positional-encoding",
    "learned-positional-encoding",
    "transformer-encoder-layer",
    "transformer-encoder",
    "sequence-classification-head",
    "lm-head",
    "tanh",
    "relu",
    "gelu",
    "sigmoid",
    "softmax",
    "glu",
    "prelu",
    "identity",
    "threshold",
    "sgd",
    "adam",
    "adamw",
    "rmsprop",
    "lion",
    "lamb",
    "rprop",
    "mse",
    "cross-entropy",
    "feature",
    "additive",
    "dot",
    "scaled-dot",
    "multi-head",
    "sparsemax",
    "mean",
    "max",
    "cls",
    "seed-regression",
    "feature-selection",
    "marked-token-recall",
    "csv",
    "step",
    "cosine",
    ""
  };

  private static final String[] NAME_KEYS = {
    "type", "activation", "name", "loss", "unit", "normalization", "pooling", "backend"
  };

  @TempDir Path tmp;

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static List<Object> list(Object... items) {
    return new ArrayList<>(List.of(items));
  }

  private static Map<String, Object> training() {
    return map("epochs", 1, "batch_size", 8, "validation_split", 0.2);
  }

  /** The valid configs the mutations start from: the examples' shapes with tiny data. */
  private static List<Map<String, Object>> bases() {
    return List.of(
        map(
            "seed", 1,
            "backend", "cpu",
            "data", map("type", "seed-regression", "examples", 24, "inputs", 4, "outputs", 2),
            "model",
                map(
                    "layers",
                    list(
                        map("type", "dense", "units", 3, "activation", "tanh"),
                        map("type", "dense", "units", 2))),
            "loss", "mse",
            "optimizer", map("name", "sgd", "lr", 0.01, "momentum", 0.9),
            "training", training()),
        map(
            "seed", 2,
            "backend", "cpu",
            "data", map("type", "seed-regression", "examples", 24, "inputs", 4, "outputs", 2),
            "model",
                map(
                    "layers",
                    list(
                        map("type", "dropout", "p", 0.2),
                        map("type", "layer-norm"),
                        map("type", "dense", "units", 3, "activation", "relu"),
                        map("type", "dense", "units", 2))),
            "optimizer", map("name", "adam", "lr", 0.01),
            "schedule", map("name", "step", "step_size", 1, "gamma", 0.5),
            "training", training()),
        map(
            "seed", 3,
            "backend", "cpu",
            "data", map("type", "feature-selection", "examples", 24, "inputs", 8),
            "model",
                map(
                    "layers",
                    list(
                        map(
                            "type",
                            "attention",
                            "unit",
                            map("name", "feature", "normalization", "softmax")),
                        map("type", "dense", "units", 3, "activation", "tanh"),
                        map("type", "dense", "units", 1))),
            "loss", "mse",
            "optimizer", map("name", "sgd", "lr", 0.05),
            "training", training()),
        map(
            "seed", 4,
            "backend", "cpu",
            "data",
                map(
                    "type", "marked-token-recall",
                    "examples", 24,
                    "vocabulary", 6,
                    "min_length", 3,
                    "max_length", 5),
            "model",
                map(
                    "layers",
                    list(
                        map("type", "embedding", "embedding_dim", 4),
                        map("type", "positional-encoding"),
                        map(
                            "type",
                            "transformer-encoder-layer",
                            "nhead",
                            2,
                            "dim_feedforward",
                            8,
                            "dropout",
                            0.0),
                        map("type", "self-attention", "unit", "multi-head", "num_heads", 2),
                        map(
                            "type", "sequence-classification-head",
                            "num_classes", 6,
                            "pooling", "mean"))),
            "optimizer", map("name", "adam", "lr", 0.005),
            "training", training()));
  }

  @SuppressWarnings("unchecked")
  private static Object copy(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> c = new LinkedHashMap<>();
      m.forEach((k, v) -> c.put((String) k, copy(v)));
      return c;
    }
    if (o instanceof List<?> l) {
      List<Object> c = new ArrayList<>();
      l.forEach(v -> c.add(copy(v)));
      return c;
    }
    if (o instanceof Twice t) {
      return new Twice(copy(t.value()));
    }
    return o;
  }

  /** Every map and list in the tree, the root first. */
  private static void containers(Object o, List<Object> out) {
    if (o instanceof Twice t) {
      containers(t.value(), out);
    } else if (o instanceof Map<?, ?> m) {
      out.add(m);
      m.values().forEach(v -> containers(v, out));
    } else if (o instanceof List<?> l) {
      out.add(l);
      l.forEach(v -> containers(v, out));
    }
  }

  private static <T> T pick(T[] a, SplittableRandom r) {
    return a[r.nextInt(a.length)];
  }

  @SuppressWarnings("unchecked")
  private static void mutate(Map<String, Object> root, SplittableRandom r) {
    List<Object> all = new ArrayList<>();
    containers(root, all);
    Object c = all.get(r.nextInt(all.size()));
    if (c instanceof List<?> raw) {
      List<Object> l = (List<Object>) raw;
      if (l.isEmpty()) {
        return;
      }
      int i = r.nextInt(l.size());
      int j = r.nextInt(l.size());
      switch (r.nextInt(4)) {
        case 0 -> l.set(i, l.set(j, l.get(i)));
        case 1 -> l.add(j, copy(l.get(i)));
        case 2 -> l.remove(i);
        default -> l.set(i, pick(NUMBERS, r));
      }
      return;
    }
    Map<String, Object> m = (Map<String, Object>) c;
    List<String> keys = new ArrayList<>(m.keySet());
    if (keys.isEmpty()) {
      m.put("units", pick(NUMBERS, r));
      return;
    }
    String k = keys.get(r.nextInt(keys.size()));
    Object v = m.get(k);
    switch (r.nextInt(7)) {
      case 0 -> m.remove(k);
      case 1 -> m.put(k, new Twice(v instanceof Twice t ? t.value() : v));
      case 2 ->
          m.put(
              pick(new String[] {"units", "activation", "extra", "p", "lr"}, r), pick(NUMBERS, r));
      case 3 ->
          m.put(
              k,
              pick(new Object[] {map(), list(), "x", new Raw("null"), list(1, 2), map("a", 1)}, r));
      case 4 -> m.put(k, pick(NAMES, r));
      default -> {
        // the likeliest edits: a number to an edge value, a name to another valid one
        for (int tries = 0; tries < 8; tries++) {
          String key = keys.get(r.nextInt(keys.size()));
          Object val = m.get(key);
          if (val instanceof Number) {
            m.put(key, pick(NUMBERS, r));
            return;
          }
          if (val instanceof String && List.of(NAME_KEYS).contains(key)) {
            m.put(key, pick(NAMES, r));
            return;
          }
        }
        m.put(k, pick(NUMBERS, r));
      }
    }
  }

  /** The tree as YAML: block maps, lists of flow maps, quoted strings. */
  private static void yaml(Object o, String indent, StringBuilder out) {
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object v = e.getValue();
        int times = v instanceof Twice ? 2 : 1;
        if (v instanceof Twice t) {
          v = t.value();
        }
        for (int n = 0; n < times; n++) {
          out.append(indent).append(e.getKey()).append(':');
          if (v instanceof Map<?, ?> inner && !inner.isEmpty()) {
            out.append('\n');
            yaml(v, indent + "  ", out);
          } else if (v instanceof List<?> l && !l.isEmpty()) {
            out.append('\n');
            for (Object item : l) {
              out.append(indent).append("  - ").append(flow(item)).append('\n');
            }
          } else {
            out.append(' ').append(flow(v)).append('\n');
          }
        }
      }
    }
  }

  private static String flow(Object o) {
    if (o instanceof Twice t) {
      return flow(t.value());
    }
    if (o instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      m.forEach((k, v) -> {
        parts.add(k + ": " + flow(v));
        if (v instanceof Twice) {
          parts.add(k + ": " + flow(v));
        }
      });
      return "{" + String.join(", ", parts) + "}";
    }
    if (o instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      l.forEach(v -> parts.add(flow(v)));
      return "[" + String.join(", ", parts) + "]";
    }
    if (o instanceof Raw raw) {
      return raw.text();
    }
    if (o instanceof String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return String.valueOf(o);
  }

  static String yaml(Map<String, Object> root) {
    StringBuilder out = new StringBuilder();
    yaml(root, "", out);
    return out.toString();
  }

  /** Thrown after the first epoch so that a mutated epoch count never runs long. */
  private static final class OneEpoch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OneEpoch() {
      super("one epoch done", null, false, false);
    }
  }

  private static final TrainingListener ONE_EPOCH =
      new TrainingListener() {
        @Override
        public void onEpoch(EpochEvent e) {
          throw new OneEpoch();
        }
      };

  /** Loads, assembles and trains one epoch; a ConfigException is a valid end. */
  private static String run(Path config, Path runDir) throws IOException {
    try (Assembly a = Heed.assemble(Heed.loadConfig(config, List.of()), null)) {
      try {
        a.train(runDir, ONE_EPOCH);
      } catch (OneEpoch done) {
        // a mutated epoch count may be huge: one epoch is the step under test
      }
      return "trained";
    } catch (ConfigException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        fail("a ConfigException without a message");
      }
      return "refused: " + e.getMessage();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void mutatedConfigsTrainOrAreRefused() throws IOException {
    SplittableRandom r = new SplittableRandom(SEED);
    List<Map<String, Object>> bases = bases();
    List<String> failures = new ArrayList<>();
    int trained = 0;
    for (int i = 0; i < CASES; i++) {
      Map<String, Object> config = (Map<String, Object>) copy(bases.get(r.nextInt(bases.size())));
      int edits = 1 + r.nextInt(3);
      for (int e = 0; e < edits; e++) {
        mutate(config, r);
      }
      String text = yaml(config);
      Path file = Files.writeString(tmp.resolve("c" + i + ".yaml"), text);
      try {
        if (run(file, tmp.resolve("run" + i)).equals("trained")) {
          trained++;
        }
      } catch (Exception | StackOverflowError | OutOfMemoryError | AssertionError e) {
        failures.add("seed " + SEED + ", case " + i + ": " + e + "\n" + text);
        if (failures.size() >= 20) {
          break;
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " unexpected outcomes:\n" + String.join("\n", failures));
    }
    System.out.println("ConfigStepFuzzTest: " + CASES + " cases, " + trained + " trained");
  }

  @Test
  void theBaseConfigsTrain() throws IOException {
    int i = 0;
    for (Map<String, Object> base : bases()) {
      Path file = Files.writeString(tmp.resolve("base" + i + ".yaml"), yaml(base));
      String outcome = run(file, tmp.resolve("base-run" + i));
      if (!outcome.equals("trained")) {
        fail("base config " + i + " " + outcome + ":\n" + yaml(base));
      }
      i++;
    }
  }

  /** Found by this fuzzer (16.b): a second embedding failed in the first step on float input. */
  @Test
  void anEmbeddingOnAnythingButTokenIdsIsRefused() throws IOException {
    String sequence =
        """
        seed: 4
        backend: cpu
        data: {type: marked-token-recall, examples: 24, vocabulary: 6, min_length: 3, max_length: 5}
        model:
          layers:
            - {type: embedding, embedding_dim: 4}
            - {type: positional-encoding}
            - {type: embedding, embedding_dim: 4}
            - {type: sequence-classification-head, num_classes: 6}
        optimizer: {name: adam, lr: 0.005}
        training: {epochs: 1, batch_size: 8}
        """;
    String flat =
        """
        seed: 1
        backend: cpu
        data: {type: seed-regression, examples: 24, inputs: 4, outputs: 2}
        model:
          layers:
            - {type: embedding, embedding_dim: 4}
            - {type: dense, units: 2}
        optimizer: {name: sgd, lr: 0.01}
        training: {epochs: 1, batch_size: 8}
        """;
    for (String[] c : new String[][] {{sequence, "model.layers[2]"}, {flat, "model.layers[0]"}}) {
      Path file = Files.writeString(tmp.resolve("embedding.yaml"), c[0]);
      String outcome = run(file, tmp.resolve("embedding-run-" + c[1].length()));
      if (!outcome.startsWith("refused") || !outcome.contains(c[1])) {
        fail(c[1] + ": " + outcome);
      }
    }
  }
}

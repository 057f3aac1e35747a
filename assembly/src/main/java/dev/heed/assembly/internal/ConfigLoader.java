package dev.heed.assembly.internal;

import dev.heed.assembly.api.ConfigException;
import dev.heed.assembly.api.Origin;
import dev.heed.assembly.api.PluginSet;
import dev.heed.assembly.config.DataConfig;
import dev.heed.assembly.config.DistributedConfig;
import dev.heed.assembly.config.HeedConfig;
import dev.heed.assembly.config.LayerConfig;
import dev.heed.assembly.config.ModelConfig;
import dev.heed.assembly.config.PluginRef;
import dev.heed.assembly.config.StopConfig;
import dev.heed.assembly.config.TrainingConfig;
import dev.heed.assembly.data.Utf8Text;
import dev.heed.core.data.DataContext;
import dev.heed.core.data.Dataset;
import dev.heed.core.data.DatasetProvider;
import dev.heed.core.nn.ActivationProvider;
import dev.heed.core.nn.AttentionUnitProvider;
import dev.heed.core.nn.LayerProvider;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads, overrides, validates and resolves a config into a {@link HeedConfig}: the data set plugin
 * is made (its own checks, such as a CSV column that is not in the header, are located at the
 * option), then the checks that involve several keys (layer sizes and ranks that do not chain,
 * buffers beyond the heap) happen here. Stateless.
 */
public final class ConfigLoader {
  /**
   * The largest config accepted, in bytes: the YAML parser's own limit (3 MiB of code points),
   * checked before parsing because scanning one long scalar takes time quadratic in its length.
   */
  public static final int MAX_CONFIG_BYTES = 3 * 1024 * 1024;

  private ConfigLoader() {}

  /** Reads {@code file} (YAML, or JSON by its {@code .json} extension). */
  public static HeedConfig load(Path file, List<String> overrides, PluginSet plugins)
      throws IOException {
    return load(file, overrides, plugins, false);
  }

  /**
   * Reads {@code file}; with {@code fromRunDir} a CSV file that is gone is accepted when the config
   * names every column (and class) itself, as the resolved {@code config.yaml} of a run does, so a
   * run can be opened for prediction without its training data.
   */
  public static HeedConfig load(
      Path file, List<String> overrides, PluginSet plugins, boolean fromRunDir) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          file + ": no such config file" + (Files.isDirectory(file) ? " (it is a directory)" : ""));
    }
    String text = Utf8Text.read(file, MAX_CONFIG_BYTES, "config file");
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    return load(text, file, json, overrides, plugins, fromRunDir);
  }

  /** Reads config text; {@code file} locates messages and relative data paths (may be null). */
  public static HeedConfig load(
      String text, Path file, boolean json, List<String> overrides, PluginSet plugins)
      throws IOException {
    return load(text, file, json, overrides, plugins, false);
  }

  private static HeedConfig load(
      String text,
      Path file,
      boolean json,
      List<String> overrides,
      PluginSet plugins,
      boolean fromRunDir)
      throws IOException {
    if (text.length() > MAX_CONFIG_BYTES) {
      throw new ConfigException(
          (file == null ? "the config" : file.toString())
              + ": the config text is longer than "
              + MAX_CONFIG_BYTES
              + " characters, expected at most that; nothing was parsed");
    }
    Node root = YamlReader.parse(text, file, "config", json);
    root = Overrides.apply(root, overrides);
    Validator v = new Validator(plugins);
    Map<String, Object> tree = v.section(root, ConfigSchema.ROOT, "");
    if (!v.errors().isEmpty()) {
      // the layers' own options are checked too, so every mistake is reported in one run
      List<ConfigException> errors = new ArrayList<>(v.errors());
      if (tree.get("model") instanceof Map<?, ?> model
          && model.get("layers") instanceof List<?> l) {
        for (Object layer : l) {
          if (layer instanceof Validator.PendingLayer pending) {
            try {
              v.layerOptions(pending, Map.of());
            } catch (ConfigException e) {
              errors.add(e);
            }
          }
        }
      }
      throw ConfigException.of(errors);
    }
    Map<String, Origin> origins = v.origins();
    Resolver r = new Resolver(tree, origins, root, file, plugins, v, fromRunDir);
    return r.resolve();
  }

  private static final class Resolver {
    private final Map<String, Object> tree;
    private final Map<String, Origin> origins;
    private final Node root;
    private final Path file;
    private final PluginSet plugins;
    private final Validator validator;
    private final boolean fromRunDir;

    Resolver(
        Map<String, Object> tree,
        Map<String, Origin> origins,
        Node root,
        Path file,
        PluginSet plugins,
        Validator validator,
        boolean fromRunDir) {
      this.fromRunDir = fromRunDir;
      this.tree = tree;
      this.origins = origins;
      this.root = root;
      this.file = file;
      this.plugins = plugins;
      this.validator = validator;
    }

    /**
     * The rules the trainer would otherwise find at its first step or as an allocation error: a
     * clipping norm of 0, and buffers (generated examples, one batch, the shuffle buffer) larger
     * than a Java array or than half the JVM's heap.
     */
    private void checkSizes(DataConfig d, TrainingConfig t) {
      if (t.clipGradNorm() != null && t.clipGradNorm() == 0) {
        throw error(
            "training.clip_grad_norm",
            "found 0, expected a number > 0 (leave the key out to turn clipping off)");
      }
      long width;
      if (d.sequence()) {
        // A sequence row: the padded token ids, then the one-hot targets.
        width = (long) d.layout().length() + d.layout().targetWidth();
      } else {
        width = (long) d.inputs() + d.outputs();
      }
      if (d.examples() >= 0) {
        checkFloats("data.examples", d.examples(), width, d.examples() * width, "examples");
      }
      checkFloats(
          "training.batch_size", t.batchSize(), width, t.batchSize() * width, "rows per batch");
      // Each buffered row is a float[width] (16-byte header) behind an 8-byte reference.
      long buffer = (long) d.shuffleBuffer() * (24 + 4 * width);
      checkBytes("data.shuffle_buffer", d.shuffleBuffer(), buffer, "buffered rows");
    }

    private void checkFloats(String path, long value, long width, long floats, String what) {
      if (floats > Integer.MAX_VALUE - 8) {
        throw error(
            path,
            "found "
                + value
                + ", expected fewer: "
                + value
                + " "
                + what
                + " × "
                + width
                + " values = "
                + floats
                + " floats, more than one Java array holds ("
                + (Integer.MAX_VALUE - 8)
                + ")");
      }
      checkBytes(path, value, 4 * floats, what);
    }

    private void checkBytes(String path, long value, long bytes, String what) {
      long heap = Runtime.getRuntime().maxMemory();
      if (bytes > heap / 2) {
        throw error(
            path,
            "found "
                + value
                + ", expected fewer: "
                + value
                + " "
                + what
                + " need about "
                + mib(bytes)
                + " MiB, more than half the JVM's heap ("
                + mib(heap)
                + " MiB; raise it with -Xmx or JAVA_TOOL_OPTIONS)");
      }
    }

    private static long mib(long bytes) {
      return (bytes + (1 << 20) - 1) >> 20;
    }

    private ConfigException error(String path, String problem) {
      String p = path;
      Origin o = origins.get(p);
      while (o == null && p.contains(".")) {
        p = p.substring(0, Math.max(p.lastIndexOf('.'), p.lastIndexOf('[')));
        o = origins.get(p);
      }
      return new ConfigException(o == null ? origins.get("") : o, path, problem);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
      return (Map<String, Object>) m.get(key);
    }

    private static int integer(Object o) {
      return ((Long) o).intValue();
    }

    HeedConfig resolve() throws IOException {
      Map<String, Object> data = map(tree, "data");
      PluginRef source = (PluginRef) data.get("type");
      Node dataNode = ((Node.MapNode) root).entries().get("data");
      DatasetProvider provider = plugins.datasets().get(source.name());
      Dataset dataset;
      DataContext context = HeedConfig.dataContext(file, (Long) tree.get("seed"), fromRunDir);
      try {
        dataset = provider.create(source.options(), context);
      } catch (OptionsException e) {
        throw validator.located(dataNode, "data", e);
      } catch (ConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw error("data", e.getMessage());
      }
      Map<String, Object> recorded = provider.recorded(source.options(), dataset, context);
      DataConfig dataConfig =
          new DataConfig(
              source,
              integer(data.get("shuffle_buffer")),
              dataset.inputNames(),
              dataset.outputNames(),
              dataset.classification(),
              dataset.sequence(),
              dataset.size(),
              dataset.standardize(),
              recorded);
      Map<String, Object> dataTree = new LinkedHashMap<>();
      dataTree.put("type", source.name());
      dataTree.putAll(recorded);
      dataTree.put("shuffle_buffer", data.get("shuffle_buffer"));
      tree.put("data", dataTree);

      Map<String, Object> training = map(tree, "training");
      Map<String, Object> stop = map(training, "stop");
      StopConfig stopConfig =
          new StopConfig(
              (Double) stop.get("target_loss"),
              (String) stop.get("target_metric"),
              (Double) stop.get("target_value"),
              integer(stop.get("patience")),
              (Double) stop.get("min_delta"),
              (Double) stop.get("time_budget_seconds"));
      TrainingConfig trainingConfig =
          new TrainingConfig(
              integer(training.get("epochs")),
              integer(training.get("batch_size")),
              (Double) training.get("validation_split"),
              (Boolean) training.get("shuffle"),
              stopConfig,
              (Double) training.get("clip_grad_norm"),
              (Double) training.get("clip_grad_value"),
              integer(training.get("accumulate")),
              integer(training.get("replicas")),
              (Boolean) training.get("replay"));
      if (trainingConfig.replicas() > trainingConfig.batchSize()) {
        throw error(
            "training.replicas",
            "found "
                + trainingConfig.replicas()
                + ", expected at most training.batch_size ("
                + trainingConfig.batchSize()
                + "): each replica takes a share of every mini-batch");
      }
      Map<String, Object> distributed = map(tree, "distributed");
      DistributedConfig distributedConfig =
          new DistributedConfig(
              integer(distributed.get("average_every")), integer(distributed.get("partitions")));
      checkStop(stopConfig, trainingConfig, dataConfig);
      checkSizes(dataConfig, trainingConfig);

      Map<String, Object> model = map(tree, "model");
      int inputs = model.get("inputs") == null ? dataConfig.inputs() : integer(model.get("inputs"));
      if (inputs != dataConfig.inputs()) {
        throw error(
            "model.inputs",
            "found "
                + inputs
                + ", expected "
                + dataConfig.inputs()
                + " (the data has "
                + dataConfig.inputs()
                + " input features); leave model.inputs out to take the data's");
      }
      model.put("inputs", (long) inputs);
      ModelConfig modelConfig = model(model, inputs, dataConfig, trainingConfig.batchSize());

      if (tree.get("loss") == null) {
        String name = dataConfig.classification() ? "cross-entropy" : "mse";
        tree.put(
            "loss",
            validator.value(
                new Node.Scalar(name, origins.get("")),
                new FieldType.Plugin("loss", false),
                "loss"));
      }
      return new HeedConfig(
          file,
          (String) tree.get("description"),
          (Long) tree.get("seed"),
          (PluginRef) tree.get("backend"),
          dataConfig,
          modelConfig,
          (PluginRef) tree.get("loss"),
          (PluginRef) tree.get("optimizer"),
          (PluginRef) tree.get("schedule"),
          trainingConfig,
          distributedConfig,
          tree,
          origins);
    }

    private void checkStop(StopConfig s, TrainingConfig t, DataConfig d) {
      if ((s.targetMetric() == null) != (s.targetValue() == null)) {
        String missing = s.targetMetric() == null ? "target_metric" : "target_value";
        String present = s.targetMetric() == null ? "target_value" : "target_metric";
        throw error(
            "training.stop." + present,
            "found " + present + " without " + missing + ", expected both or neither");
      }
      if (s.targetMetric() != null) {
        if (s.targetMetric().startsWith("val_") && t.validationSplit() == 0) {
          throw error(
              "training.stop.target_metric",
              "found '"
                  + s.targetMetric()
                  + "' with training.validation_split 0, expected a validation split > 0 or the"
                  + " metric 'loss'");
        }
        if (s.targetMetric().equals("val_accuracy") && !d.classification()) {
          throw error(
              "training.stop.target_metric",
              "found 'val_accuracy' for a regression task, expected val_mae, val_loss or loss");
        }
        if (s.targetMetric().equals("val_mae") && d.classification()) {
          throw error(
              "training.stop.target_metric",
              "found 'val_mae' for a classification task, expected val_accuracy, val_loss or"
                  + " loss");
        }
      }
      if (s.patience() > 0 && t.validationSplit() == 0) {
        throw error(
            "training.stop.patience",
            "found patience "
                + s.patience()
                + " with training.validation_split 0, expected a validation split > 0 (patience"
                + " watches the validation loss)");
      }
    }

    @SuppressWarnings("unchecked")
    private ModelConfig model(
        Map<String, Object> model, int inputs, DataConfig data, int batchSize) {
      List<Object> layers = (List<Object>) model.get("layers");
      List<LayerConfig> out = new ArrayList<>();
      int features = inputs;
      // The rank of the activations entering each layer: token ids [B, T] and feature rows [B, F]
      // are rank 2, sequences [B, T, F] (after an embedding) rank 3.
      int rank = 2;
      boolean tokens = data.sequence();
      // Bytes the dense layers need while training: weights, gradients and two optimizer moments
      // per parameter, and a batch of outputs and their gradients per layer.
      long denseBytes = 0;
      List<ConfigException> errors = new ArrayList<>();
      boolean chained = true;
      for (int i = 0; i < layers.size(); i++) {
        Validator.PendingLayer pending = (Validator.PendingLayer) layers.get(i);
        String path = "model.layers[" + i + "]";
        String type = pending.type();
        Map<String, Object> defaults = new LinkedHashMap<>();
        if (data.sequence() && i == layers.size() - 1) {
          // the head's class count defaults to the data's (a text file's vocabulary)
          switch (type) {
            case "lm-head" -> defaults.put("vocab_size", data.outputs());
            case "sequence-classification-head" -> defaults.put("num_classes", data.outputs());
            default -> {}
          }
        }
        Options o;
        try {
          o = validator.layerOptions(pending, defaults);
        } catch (ConfigException e) {
          // the other layers' options are still checked; the shapes after this one are unknown
          errors.add(e);
          chained = false;
          continue;
        }
        if (!chained) {
          continue;
        }
        LayerProvider p = plugins.layers().get(type);
        switch (type) {
          case "dense" -> {
            int units = o.getInt("units");
            long weights = ((long) features + 1) * units;
            checkFloats(path + ".units", units, features + 1L, weights, "units");
            denseBytes += 16 * weights + 8L * batchSize * units;
            checkBytes(path + ".units", units, denseBytes, "units (with the layers before)");
            features =
                activationWidth(
                    path, o.getPlugin("activation", ActivationProvider.class), rank, units);
          }
          case "attention" -> {
            String unit = o.getPlugin("unit", AttentionUnitProvider.class).name();
            checkUnitRank(path + ".unit", unit, rank, tokens);
            long f = features;
            switch (unit) {
              case "feature" ->
                  denseBytes =
                      checkParameters(
                          path + ".unit",
                          "attention unit 'feature' on " + f + " features",
                          "its weight [" + f + ", " + f + "]",
                          f * f,
                          f * f + f,
                          denseBytes + 8L * batchSize * f);
              case "multi-head" ->
                  denseBytes =
                      checkParameters(
                          path + ".unit",
                          "attention unit 'multi-head' on " + f + " features",
                          "its in_proj_weight [" + 3 * f + ", " + f + "]",
                          3 * f * f,
                          4 * f * f + 4 * f,
                          denseBytes);
              default -> {}
            }
          }
          default -> {
            if (ShapeRules.SEQUENCE_LAYERS.contains(type) && rank != 3) {
              throw error(path, ShapeRules.notASequence("layer '" + type + "'", tokens));
            }
            if (type.equals("embedding") && !tokens) {
              throw error(path, ShapeRules.notTokenIds(rank));
            }
            denseBytes = checkBlock(path, type, o, features, denseBytes);
            if (data.sequence()) {
              denseBytes = checkActivations(path, type, o, features, data, batchSize, denseBytes);
            }
            if (type.equals("embedding")) {
              long v = o.getInt("num_embeddings") > 0 ? o.getInt("num_embeddings") : features;
              long dim = o.getInt("embedding_dim");
              denseBytes =
                  checkParameters(
                      path,
                      "layer 'embedding' of " + v + " tokens × " + dim + " dimensions",
                      "its weight [" + v + ", " + dim + "]",
                      v * dim,
                      v * dim,
                      denseBytes);
            }
            try {
              features = p.outputFeatures(o, features);
            } catch (OptionsException e) {
              throw validator.located(pending.node(), path, e);
            } catch (IllegalArgumentException e) {
              throw error(path, e.getMessage());
            }
            if (o.has("unit") && o.asMap().get("unit") instanceof Configured<?> u) {
              checkUnitRank(path + ".unit", u.name(), rank, tokens);
            }
            if (type.equals("embedding")) {
              rank = 3;
              tokens = false;
            } else if (ShapeRules.SEQUENCE_MAKERS.contains(type) && rank == 2 && !tokens) {
              rank = 3;
            } else if (ShapeRules.POOLING_LAYERS.contains(type)) {
              rank = 2;
            }
          }
        }
        out.add(new LayerConfig(type, o));
        Map<String, Object> layerTree = new LinkedHashMap<>();
        layerTree.put("type", type);
        o.asMap()
            .forEach((k, v) -> layerTree.put(k, v instanceof Configured<?> c ? c.toTree() : v));
        layers.set(i, layerTree);
      }
      if (!errors.isEmpty()) {
        throw ConfigException.of(errors);
      }
      if (data.sequence() && !layers.isEmpty()) {
        // Targets per position (digit reversal, text) need a sequence out of the last layer, one
        // target per example (marked-token recall) one row per example.
        boolean perPosition = data.layout().perPosition();
        if (perPosition != (rank == 3)) {
          int last = layers.size() - 1;
          throw error(
              "model.layers[" + last + "]",
              "found "
                  + ShapeRules.describe(rank)
                  + " out of the last layer, expected "
                  + (perPosition
                      ? "a sequence [batch, positions, classes]: data '"
                          + data.type()
                          + "' has a target at every position (end with lm-head or a dense layer"
                          + " on the sequence)"
                      : "one row per example [batch, classes]: data '"
                          + data.type()
                          + "' has one target per sequence (end with"
                          + " sequence-classification-head)"));
        }
      }
      if (features != data.outputs()) {
        int last = layers.size() - 1;
        String path =
            out.get(last).type().equals("dense")
                ? "model.layers[" + last + "].units"
                : "model.layers[" + last + "]";
        throw error(
            path,
            "found "
                + features
                + " outputs from the last layer, expected "
                + data.outputs()
                + " ("
                + (data.sequence()
                    ? "one per token of the vocabulary"
                    : data.classification()
                        ? "one per class: " + String.join(", ", data.classes())
                        : "the data has " + data.outputs() + " targets")
                + ")");
      }
      return new ModelConfig(inputs, out);
    }

    /**
     * The width after a dense layer of {@code units} and its activation on rank-{@code rank}
     * activations: an axis activation's {@code dim} must be an axis of them, and {@code glu} halves
     * the feature axis (the only axis it may halve: the others are the batch and the positions).
     */
    private int activationWidth(
        String path, Configured<ActivationProvider> activation, int rank, int units) {
      if (activation == null || !(activation.options().asMap().get("dim") instanceof Number n)) {
        return units;
      }
      String at = path + ".activation.dim";
      long dim = n.longValue();
      if (dim < -rank || dim >= rank) {
        throw error(
            at,
            "found dim "
                + dim
                + " for activation '"
                + activation.name()
                + "' on "
                + ShapeRules.describe(rank)
                + ", expected an axis in ["
                + -rank
                + ", "
                + (rank - 1)
                + "] (-1: the features)");
      }
      if (!activation.name().equals("glu")) {
        return units;
      }
      if (dim != -1 && dim != rank - 1) {
        throw error(
            at,
            "found dim "
                + dim
                + " for activation 'glu' on "
                + ShapeRules.describe(rank)
                + ", expected -1 or "
                + (rank - 1)
                + ": glu halves its axis, and only the feature axis may change size");
      }
      if (units % 2 != 0) {
        throw error(
            path + ".units",
            "found "
                + units
                + " units with activation 'glu', expected an even number: glu splits the"
                + " features into two halves, so the next layer gets units / 2");
      }
      return units / 2;
    }

    /**
     * {@link #checkParameters} for the built-in blocks on {@code e} features: a transformer encoder
     * layer holds multi-head attention (in_proj [3e, e], out_proj [e, e]) and a feed-forward block
     * (linear1 [ff, e], linear2 [e, ff]); an lm-head a projection [V, e]. Other layers are not
     * estimated. The bytes with this layer.
     */
    private long checkBlock(String path, String type, Options o, long e, long before) {
      switch (type) {
        case "transformer-encoder-layer", "transformer-encoder", "feed-forward" -> {
          long ff = o.getInt("dim_feedforward");
          long layers = type.equals("transformer-encoder") ? o.getInt("num_layers") : 1;
          boolean attention = !type.equals("feed-forward");
          long largest = Math.max(ff * e, attention ? 3 * e * e : 0);
          String largestName =
              ff * e >= largest
                  ? "its linear1.weight [" + ff + ", " + e + "]"
                  : "its in_proj_weight [" + 3 * e + ", " + e + "]";
          long perLayer =
              saturated(2 * ff * e + ff + 3 * e + (attention ? 4 * e * e + 8 * e : 0), largest);
          long total = perLayer > Long.MAX_VALUE / layers ? Long.MAX_VALUE : perLayer * layers;
          return checkParameters(
              path,
              "layer '"
                  + type
                  + "' on "
                  + e
                  + " features with dim_feedforward "
                  + ff
                  + (layers > 1 ? " in " + layers + " layers" : ""),
              largestName,
              largest,
              total,
              before);
        }
        case "lm-head" -> {
          long v = o.getInt("vocab_size");
          return checkParameters(
              path,
              "layer 'lm-head' on " + e + " features with vocab_size " + v,
              "its weight [" + v + ", " + e + "]",
              v * e,
              v * e + v,
              before);
        }
        default -> {
          return before;
        }
      }
    }

    /**
     * Refuses a built-in sequence layer whose activations for one batch — what the tape keeps for
     * backward and the gradients of the same size, FLOAT32 — bring the bytes so far beyond half the
     * heap. A batch holds {@code min(batch_size, examples)} sequences of the layout's length (when
     * the data set cannot tell its example count without reading, {@code batch_size}). Per position
     * of {@code e} features: an encoder layer keeps about {@code 12e + 2·ff} values and its
     * attention two {@code [heads, T, T]} weight tensors per sequence; self-attention {@code 6e}
     * and the weights; an lm-head three rows of {@code vocab_size}; an embedding or a positional
     * encoding two rows of {@code e}. Other layers are not estimated. The bytes with this layer.
     */
    private long checkActivations(
        String path, String type, Options o, long e, DataConfig data, int batchSize, long before) {
      long b = data.examples() < 0 ? batchSize : Math.min(batchSize, data.examples());
      long t = data.layout().length();
      long bt = b * t;
      long attention = 2 * b * t * t; // two [T, T] tensors (scores, weights) per head and sequence
      double values =
          switch (type) {
            case "transformer-encoder-layer", "transformer-encoder" -> {
              long layers = type.equals("transformer-encoder") ? o.getInt("num_layers") : 1;
              yield (double) layers
                  * ((double) bt * (12 * e + 2L * o.getInt("dim_feedforward"))
                      + (double) attention * o.getInt("nhead"));
            }
            case "self-attention" ->
                (double) bt * 6 * e + (double) attention * selfAttentionHeads(o);
            case "lm-head" -> 3.0 * bt * o.getInt("vocab_size");
            case "embedding", "positional-encoding", "learned-positional-encoding" -> 2.0 * bt * e;
            default -> 0;
          };
      if (values == 0) {
        return before;
      }
      // values, then their gradients, FLOAT32
      double bytes = 8 * values;
      double all = before + bytes;
      long heap = Runtime.getRuntime().maxMemory();
      if (all > heap / 2.0) {
        throw error(
            path,
            "found layer '"
                + type
                + "' on batches of "
                + b
                + " sequences × "
                + t
                + " positions × "
                + e
                + " features, expected smaller batches: its activations need about "
                + mib((long) Math.min(bytes, Long.MAX_VALUE / 2))
                + " MiB while training, "
                + mib((long) Math.min(all, Long.MAX_VALUE / 2))
                + " MiB with the parameters and layers before, more than half the JVM's heap ("
                + mib(heap)
                + " MiB; lower training.batch_size or the sequence length, or raise the heap with"
                + " -Xmx or JAVA_TOOL_OPTIONS)");
      }
      return (long) all;
    }

    /**
     * The heads of a self-attention layer: its {@code num_heads}, else its unit's, else 1 (a unit
     * without heads).
     */
    private static long selfAttentionHeads(Options o) {
      if (o.has("num_heads")) {
        return o.getInt("num_heads");
      }
      Options unit = o.getPlugin("unit", AttentionUnitProvider.class).options();
      return unit.has("num_heads") ? unit.getInt("num_heads") : 1;
    }

    /** {@code sum}, or {@link Long#MAX_VALUE} when it overflowed below {@code part}. */
    private static long saturated(long sum, long part) {
      return sum < part ? Long.MAX_VALUE : sum;
    }

    /**
     * Refuses a layer whose largest parameter is more floats than one Java array holds, or whose
     * {@code total} parameters (with weights, gradients and two optimizer moments each) bring the
     * bytes of the layers so far beyond half the heap; the bytes with this layer.
     */
    private long checkParameters(
        String path, String layer, String largestName, long largest, long total, long before) {
      if (largest > Integer.MAX_VALUE - 8) {
        throw error(
            path,
            "found "
                + layer
                + ", expected fewer: "
                + largestName
                + " holds "
                + largest
                + " floats, more than one Java array holds ("
                + (Integer.MAX_VALUE - 8)
                + ")");
      }
      long bytes = total > (Long.MAX_VALUE - before) / 16 ? Long.MAX_VALUE : before + 16 * total;
      long heap = Runtime.getRuntime().maxMemory();
      if (bytes > heap / 2) {
        throw error(
            path,
            "found "
                + layer
                + ", expected fewer: its "
                + total
                + " parameters need about "
                + mib(16 * total)
                + " MiB while training (weights, gradients, two optimizer moments), "
                + mib(bytes)
                + " MiB with the layers before, more than half the JVM's heap ("
                + mib(heap)
                + " MiB; raise it with -Xmx or JAVA_TOOL_OPTIONS)");
      }
      return bytes;
    }

    /** Refuses an attention unit that cannot take rank-{@code rank} activations. */
    private void checkUnitRank(String path, String unit, int rank, boolean tokens) {
      if (ShapeRules.SEQUENCE_UNITS.contains(unit) && rank != 3) {
        throw error(path, ShapeRules.notASequence("attention unit '" + unit + "'", tokens));
      }
      if (ShapeRules.FLAT_UNITS.contains(unit) && (rank != 2 || tokens)) {
        throw error(
            path,
            "found attention unit '"
                + unit
                + "' on "
                + (tokens ? "token ids [batch, positions]" : ShapeRules.describe(rank))
                + ", expected flat feature rows [batch, features] (a feature data set, or a"
                + " sequence-classification-head before it); for sequences use multi-head,"
                + " scaled-dot, dot or additive");
      }
    }
  }
}

package dev.heed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.DType;
import dev.heed.core.io.AtomicFile;
import dev.heed.core.io.StoredType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.optim.Optimizer;
import dev.heed.core.optim.OptimizerProvider;
import dev.heed.core.optim.ParameterGroup;
import dev.heed.core.optim.Schedule;
import dev.heed.core.optim.ScheduleProvider;
import dev.heed.core.plugin.Configured;
import dev.heed.core.plugin.PluginResolver;
import dev.heed.core.text.Tokenizer;
import dev.heed.core.text.Truncation;
import dev.heed.pretrained.Bert;
import dev.heed.pretrained.ClassifierTraining;
import dev.heed.pretrained.HfModels;
import dev.heed.pretrained.HfSave;
import dev.heed.pretrained.PretrainedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * {@code heed train CONFIG} for a config whose model is {@code {from: huggingface, path: DIR, task:
 * sequence-classification}}: fine-tunes the BERT checkpoint of DIR as a sequence classifier on a
 * CSV with a text column, tokenized by DIR's tokenizer, and saves the result as a Hugging Face
 * directory (RUN/hf, weights by their Hugging Face names) in a run that {@code heed predict} opens.
 *
 * <p>The config's sections: {@code seed}, {@code backend}, {@code description}; {@code model}
 * ({@code from}, {@code path}, {@code task}, {@code num_labels}); {@code data} ({@code type: csv},
 * {@code path}, {@code text_column}, {@code label_column}, {@code max_length}); {@code optimizer}
 * and {@code schedule} (plugins by name with options, as in every config); {@code training} ({@code
 * epochs}, {@code batch_size}, {@code validation_split}, {@code stop.target_accuracy}). Relative
 * paths are resolved against the config's folder.
 */
final class HfTrain {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, Set<String>> KEYS =
      Map.of(
          "",
          Set.of(
              "description",
              "seed",
              "backend",
              "model",
              "data",
              "optimizer",
              "schedule",
              "training"),
          "model",
          Set.of("from", "path", "task", "num_labels"),
          "data",
          Set.of("type", "path", "text_column", "label_column", "max_length"),
          "training",
          Set.of("epochs", "batch_size", "validation_split", "stop"),
          "training.stop",
          Set.of("target_accuracy"));

  private HfTrain() {}

  /** Whether {@code config} is a config whose {@code model.from} is {@code huggingface}. */
  static boolean isHuggingFace(Path config) {
    try {
      JsonNode root = YAML.readTree(config.toFile());
      return root != null && HfRuns.FROM.equals(root.path("model").path("from").asText(null));
    } catch (IOException e) {
      return false; // the config loader reports what is wrong with the file
    }
  }

  /** Trains as {@code config} says, into run directory {@code out}. */
  static int run(Path config, Path out, String backendName, PrintWriter o) throws IOException {
    JsonNode root = YAML.readTree(config.toFile());
    String where = config.toString();
    checkKeys(where, "", root);
    JsonNode model = root.path("model");
    JsonNode data = root.path("data");
    JsonNode training = root.path("training");
    checkKeys(where, "model", model);
    checkKeys(where, "data", data);
    checkKeys(where, "training", training);
    checkKeys(where, "training.stop", training.path("stop"));
    String task = model.path("task").asText("sequence-classification");
    if (!task.equals("sequence-classification")) {
      throw bad(where, "model.task", "found '" + task + "', supported: sequence-classification");
    }
    Path base = config.toAbsolutePath().getParent();
    Path source = base.resolve(text(where, model, "model.path"));
    if (!Files.isRegularFile(source.resolve("config.json"))) {
      throw bad(
          where, "model.path", source + " is not a Hugging Face model directory (no config.json)");
    }
    if (!"csv".equals(data.path("type").asText("csv"))) {
      throw bad(where, "data.type", "found '" + data.path("type").asText() + "', supported: csv");
    }
    Path csv = base.resolve(text(where, data, "data.path"));
    RunDirs.requireFile(csv, where + ": data.path");
    String textColumn = data.path("text_column").asText("text");
    String labelColumn = data.path("label_column").asText("label");
    int maxLength = positive(where, data, "data.max_length", 128);
    long seed = root.path("seed").asLong(42);
    int epochs = positive(where, training, "training.epochs", 10);
    int batch = positive(where, training, "training.batch_size", 16);
    double split = training.path("validation_split").asDouble(0.0);
    if (!(split >= 0 && split < 1)) {
      throw bad(where, "training.validation_split", "found " + split + ", expected 0 <= v < 1");
    }
    JsonNode targetNode = training.path("stop").path("target_accuracy");
    Double target = targetNode.isNumber() ? targetNode.asDouble() : null;
    if (!root.has("optimizer")) {
      throw bad(where, "optimizer", "missing, expected e.g. {name: adamw, lr: 0.001}");
    }

    // the examples: the text and label columns of the CSV; classes in sorted order
    List<List<String>> rows = HfPredict.csv(Files.readString(csv, StandardCharsets.UTF_8));
    if (rows.size() < 2) {
      throw new BadInputException(csv + ": expected a header and rows");
    }
    int tc = rows.get(0).indexOf(textColumn);
    int lc = rows.get(0).indexOf(labelColumn);
    if (tc < 0 || lc < 0) {
      throw new BadInputException(
          csv
              + ":1: no column '"
              + (tc < 0 ? textColumn : labelColumn)
              + "' in the header "
              + rows.get(0)
              + " (data.text_column, data.label_column)");
    }
    List<String> texts = new ArrayList<>();
    List<String> labelText = new ArrayList<>();
    for (int i = 1; i < rows.size(); i++) {
      List<String> r = rows.get(i);
      if (r.size() == 1 && r.get(0).isEmpty()) {
        continue;
      }
      if (r.size() <= Math.max(tc, lc)) {
        throw new BadInputException(
            csv + ":" + (i + 1) + ": " + r.size() + " fields, expected " + rows.get(0).size());
      }
      texts.add(r.get(tc));
      labelText.add(r.get(lc));
    }
    List<String> classes = new ArrayList<>(new TreeSet<>(labelText));
    if (model.has("num_labels") && model.get("num_labels").asInt() != classes.size()) {
      throw bad(
          where,
          "model.num_labels",
          "found "
              + model.get("num_labels").asInt()
              + ", but "
              + csv
              + " has "
              + classes.size()
              + " classes "
              + classes);
    }
    if (classes.size() < 2) {
      throw new BadInputException(csv + ": column '" + labelColumn + "' has fewer than 2 classes");
    }
    Tokenizer tok =
        HfRuns.requireTokenizer(source, "fine-tuning tokenizes the text column with it")
            .withTruncation(new Truncation(maxLength, 0, Truncation.Strategy.LONGEST_FIRST, false))
            .withPadding(null) /* batches are padded here, with a mask */;
    int n = texts.size();
    int[][] ids = new int[n][];
    int[] labels = new int[n];
    var enc = tok.encodeBatch(texts, true);
    for (int i = 0; i < n; i++) {
      ids[i] = enc.get(i).ids();
      labels[i] = classes.indexOf(labelText.get(i));
    }
    // a seeded split: the last validation_split of a shuffled order is held out
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int held = (int) Math.round(n * split);
    int[][] trainIds = new int[n - held][];
    int[] trainLabels = new int[n - held];
    int[][] valIds = new int[held][];
    int[] valLabels = new int[held];
    for (int i = 0; i < n; i++) {
      if (i < n - held) {
        trainIds[i] = ids[order[i]];
        trainLabels[i] = labels[order[i]];
      } else {
        valIds[i - (n - held)] = ids[order[i]];
        valLabels[i - (n - held)] = labels[order[i]];
      }
    }

    if (Files.exists(out) && (!Files.isDirectory(out) || RunDirs.nonEmptyDir(out))) {
      throw new BadInputException(
          out + " already exists and is not an empty directory; choose a new --out");
    }
    Plugins plugins = Plugins.shared();
    try (Backend backend =
        HfRuns.backend(backendName != null ? backendName : root.path("backend").asText("auto"))) {
      Bert bert;
      try {
        bert =
            HfModels.bertForSequenceClassification(
                source, classes.size(), BuildContext.of(backend, DType.FLOAT32, seed));
      } catch (PretrainedException e) {
        throw new BadInputException(e.getMessage());
      }
      Configured<OptimizerProvider> oc =
          plugins
              .optimizers()
              .configure(plain(root.get("optimizer")), where + ": optimizer", PluginResolver.NONE);
      Optimizer optimizer =
          oc.provider().create(oc.options(), List.of(ParameterGroup.of(bert.namedParameters())));
      Schedule schedule = null;
      if (root.has("schedule")) {
        Configured<ScheduleProvider> sc =
            plugins
                .schedules()
                .configure(plain(root.get("schedule")), where + ": schedule", PluginResolver.NONE);
        schedule = sc.provider().create(sc.options());
      }
      ClassifierTraining training1 =
          new ClassifierTraining(bert, optimizer, schedule, padId(source), batch, seed);
      StringBuilder metrics = new StringBuilder("epoch,loss,accuracy,val_loss,val_accuracy\n");
      for (int epoch = 1; epoch <= epochs; epoch++) {
        ClassifierTraining.Pass p = training1.epoch(trainIds, trainLabels, epoch);
        ClassifierTraining.Pass v = held > 0 ? training1.evaluate(valIds, valLabels) : null;
        String line =
            String.format(
                    java.util.Locale.ROOT,
                    "epoch %d  loss %.4f  accuracy %.4f",
                    epoch,
                    p.loss(),
                    p.accuracy())
                + (v == null
                    ? ""
                    : String.format(
                        java.util.Locale.ROOT,
                        "  val_loss %.4f  val_accuracy %.4f",
                        v.loss(),
                        v.accuracy()));
        o.println(line);
        o.flush();
        metrics
            .append(epoch)
            .append(',')
            .append(p.loss())
            .append(',')
            .append(p.accuracy())
            .append(',')
            .append(v == null ? "" : Double.toString(v.loss()))
            .append(',')
            .append(v == null ? "" : Double.toString(v.accuracy()))
            .append('\n');
        double reached = v != null ? v.accuracy() : p.accuracy();
        if (target != null && reached >= target) {
          o.println(
              "reached target accuracy "
                  + target
                  + " ("
                  + (v != null ? "validation" : "training")
                  + ")");
          break;
        }
      }
      // the run: staged next to RUN, renamed at the end
      Path target2 = out.toAbsolutePath().normalize();
      Files.createDirectories(target2.getParent());
      Path staging =
          Files.createTempDirectory(target2.getParent(), "." + target2.getFileName() + ".train-");
      try {
        Path hf = staging.resolve(HfRuns.HF_DIR);
        HfSave.save(bert, source, hf, StoredType.F32);
        labelNames(hf.resolve("config.json"), classes);
        Files.writeString(
            staging.resolve(RunDirs.CONFIG),
            "# Made by heed train from "
                + config.toAbsolutePath().normalize()
                + " (train.yaml): the\n"
                + "# fine-tuned model, a Hugging Face directory; heed predict reads it.\n"
                + "model:\n  from: "
                + HfRuns.FROM
                + "\n  path: "
                + HfRuns.HF_DIR
                + "\n  task: sequence-classification\n  num_labels: "
                + classes.size()
                + "\n");
        Files.copy(config, staging.resolve("train.yaml"));
        Files.writeString(staging.resolve("metrics.csv"), metrics.toString());
        if (Files.isDirectory(target2)) {
          Files.delete(target2);
        }
        Files.move(staging, target2, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        ImportCommand.deleteTree(staging);
        throw e;
      }
      o.println("saved " + out + " (heed predict " + out + " INPUT)");
      o.flush();
    }
    return Exits.OK;
  }

  /** Writes the class names into the saved config.json's id2label and label2id. */
  private static void labelNames(Path configJson, List<String> classes) throws IOException {
    ObjectMapper json =
        new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    ObjectNode c = (ObjectNode) json.readTree(configJson.toFile());
    ObjectNode id2label = c.putObject("id2label");
    ObjectNode label2id = c.putObject("label2id");
    for (int i = 0; i < classes.size(); i++) {
      id2label.put(Integer.toString(i), classes.get(i));
      label2id.put(classes.get(i), i);
    }
    AtomicFile.write(configJson, json.writeValueAsBytes(c));
  }

  private static int padId(Path source) throws IOException {
    return new ObjectMapper()
        .readTree(source.resolve("config.json").toFile())
        .path("pad_token_id")
        .asInt(0);
  }

  /** A YAML value as plain Java maps, lists and scalars (what the registry takes). */
  private static Object plain(JsonNode node) {
    return YAML.convertValue(node, Object.class);
  }

  private static void checkKeys(String where, String section, JsonNode node) {
    if (node.isMissingNode()) {
      return;
    }
    if (!node.isObject()) {
      throw bad(where, section.isEmpty() ? "(top level)" : section, "expected a mapping");
    }
    Set<String> allowed = KEYS.get(section);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw bad(
            where,
            (section.isEmpty() ? "" : section + ".") + k,
            "unknown key; expected one of "
                + new TreeSet<>(allowed)
                + " (a config with model.from: huggingface fine-tunes a Hugging Face model)");
      }
    }
  }

  private static String text(String where, JsonNode node, String path) {
    String key = path.substring(path.lastIndexOf('.') + 1);
    if (!node.path(key).isTextual() || node.path(key).asText().isBlank()) {
      throw bad(where, path, "missing, expected a path");
    }
    return node.get(key).asText();
  }

  private static int positive(String where, JsonNode node, String path, int fallback) {
    String key = path.substring(path.lastIndexOf('.') + 1);
    if (!node.has(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
      throw bad(where, path, "found " + v + ", expected a whole number >= 1");
    }
    return v.asInt();
  }

  private static BadInputException bad(String where, String path, String message) {
    return new BadInputException(where + ": " + path + ": " + message);
  }
}

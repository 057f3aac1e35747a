package dev.heed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import dev.heed.core.nn.BuildContext;
import dev.heed.core.plugin.Registry;
import dev.heed.core.text.Tokenizer;
import dev.heed.core.text.TokenizerProvider;
import dev.heed.pretrained.HfModels;
import dev.heed.pretrained.PretrainedException;
import dev.heed.pretrained.PretrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Run directories made by {@code heed import} from a Hugging Face model directory.
 *
 * <p>The layout: {@code RUN/config.yaml} says {@code model: {from: huggingface, path: hf}}, and
 * {@code RUN/hf/} holds the Hugging Face files, copied unchanged: {@code config.json}, {@code
 * model.safetensors} or {@code model.safetensors.index.json} with its shards, and where the source
 * has them {@code generation_config.json}, {@code tokenizer.json}, {@code tokenizer_config.json}
 * and {@code special_tokens_map.json}. A relative {@code path} is resolved against the run
 * directory. {@code heed generate} and {@code heed predict} read the run; nothing writes to it
 * after the import.
 */
final class HfRuns {
  /** The source of a model that {@code config.yaml} names. */
  static final String FROM = "huggingface";

  /** The folder of the run that holds the Hugging Face files. */
  static final String HF_DIR = "hf";

  /** The files copied from a model directory when present (the weights aside). */
  static final List<String> FILES =
      List.of(
          "config.json",
          "generation_config.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json");

  static final String WEIGHTS = "model.safetensors";
  static final String INDEX = "model.safetensors.index.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private HfRuns() {}

  /**
   * The Hugging Face directory of run {@code run} when its {@code config.yaml} says {@code model:
   * {from: huggingface, path: …}}, or null otherwise (a run of layers that heed train made, or a
   * config.yaml that its reader will refuse with the exact place).
   */
  static Path modelDir(Path run) {
    Path config = run.resolve(RunDirs.CONFIG);
    JsonNode root;
    try {
      root = YAML.readTree(config.toFile());
    } catch (IOException | RuntimeException e) {
      return null; // not an import: the config reader of trained runs says what is wrong
    }
    JsonNode model = root == null ? null : root.get("model");
    if (model == null || !model.isObject() || !FROM.equals(model.path("from").asText(null))) {
      return null;
    }
    JsonNode path = model.get("path");
    if (path == null || !path.isTextual() || path.asText().isBlank()) {
      throw new BadInputException(
          config + ": model.path is missing, expected the Hugging Face model directory");
    }
    Path dir = run.resolve(path.asText()).normalize();
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new BadInputException(
          config
              + ": model.path '"
              + path.asText()
              + "' is not a Hugging Face model directory ("
              + dir.resolve("config.json")
              + " is missing)");
    }
    return dir;
  }

  /** The Hugging Face directory of run {@code run}; refuses a run that is not an import. */
  static Path requireModelDir(Path run, String command) {
    Errors.requireReachable(run, "RUN must be a run directory (heed import)");
    RunDirs.requireRunDir(run);
    Path dir = modelDir(run);
    if (dir == null) {
      throw new BadInputException(
          run
              + " is a run heed train made; heed "
              + command
              + " needs a Hugging Face model: heed import MODEL_DIR --out RUN makes one");
    }
    return dir;
  }

  /** The weight files of model directory {@code dir}: one file, or the shards of its index. */
  static List<String> weightFiles(Path dir) {
    if (Files.isRegularFile(dir.resolve(INDEX))) {
      JsonNode index;
      try {
        index = JSON.readTree(dir.resolve(INDEX).toFile());
      } catch (IOException e) {
        throw new BadInputException(dir.resolve(INDEX) + ": not readable JSON: " + e.getMessage());
      }
      JsonNode map = index == null ? null : index.get("weight_map");
      if (map == null || !map.isObject()) {
        throw new BadInputException(
            dir.resolve(INDEX) + ": no 'weight_map' object (tensor name -> shard file)");
      }
      Set<String> files = new LinkedHashSet<>();
      files.add(INDEX);
      for (JsonNode f : (Iterable<JsonNode>) map::elements) {
        String name = f.asText();
        if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
          throw new BadInputException(
              dir.resolve(INDEX) + ": shard '" + name + "' is not a file name in the directory");
        }
        files.add(name);
      }
      return new ArrayList<>(files);
    }
    if (Files.isRegularFile(dir.resolve(WEIGHTS))) {
      return List.of(WEIGHTS);
    }
    throw new BadInputException(
        dir + ": no weights: expected " + WEIGHTS + " or a sharded " + INDEX);
  }

  /** The backend {@code name} ({@code auto} or null for the best available one). */
  static Backend backend(String name) {
    Registry<BackendProvider> backends = Plugins.shared().backends();
    BackendProvider p =
        name == null || name.equals("auto") ? backends.chooseAuto().chosen() : backends.get(name);
    return p.create(p.options().defaults("backend '" + p.name() + "'"));
  }

  /**
   * The model of {@code dir} with its weights, in FLOAT32; the loader's refusals (an unsupported
   * architecture or field, missing or unexpected weights, a bad shard) become bad input.
   */
  static PretrainedModel load(Path dir, Backend backend) {
    return load(dir, backend, DType.FLOAT32);
  }

  /**
   * The model of {@code dir} with its layer matrices held in {@code matrices} ({@code FLOAT32}:
   * widened at load; {@code BFLOAT16}, {@code FLOAT16}: resident in 16 bits with FLOAT32
   * arithmetic, see {@link HfModels#load(Path, BuildContext, DType)}).
   */
  static PretrainedModel load(Path dir, Backend backend, DType matrices) {
    try {
      return HfModels.load(dir, BuildContext.of(backend, DType.FLOAT32, 0), matrices);
    } catch (PretrainedException e) {
      throw new BadInputException(e.getMessage());
    }
  }

  /** {@code float32}, {@code bfloat16} or {@code float16} as a storage type for weights. */
  static DType weightType(String option, String given) {
    return switch (given.toLowerCase(java.util.Locale.ROOT)) {
      case "float32", "f32" -> DType.FLOAT32;
      case "bfloat16", "bf16" -> DType.BFLOAT16;
      case "float16", "f16" -> DType.FLOAT16;
      default ->
          throw new BadInputException(
              option + " '" + given + "': expected float32, bfloat16 or float16");
    };
  }

  /** The tokenizer of model directory {@code dir}, or null when it has no tokenizer.json. */
  static Tokenizer tokenizer(Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      return null;
    }
    TokenizerProvider p = Plugins.shared().tokenizers().get("huggingface");
    try {
      return p.open(file, p.options().defaults("tokenizer 'huggingface'"));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }

  /** The tokenizer of {@code dir}; refuses a directory without one, saying what would do. */
  static Tokenizer requireTokenizer(Path dir, String instead) throws IOException {
    Tokenizer t = tokenizer(dir);
    if (t == null) {
      throw new BadInputException(
          dir.resolve("tokenizer.json")
              + ": no such file; the model has no tokenizer ("
              + instead
              + ")");
    }
    return t;
  }

  /** {@code config.yaml} of an imported run whose Hugging Face files are in {@code hf/}. */
  static String configYaml(Path source) {
    return "# Made by heed import from "
        + source.toAbsolutePath().normalize()
        + ".\n"
        + "# The model is the Hugging Face directory hf/ (a relative path is resolved against\n"
        + "# this run directory); heed generate and heed predict read it.\n"
        + "model:\n"
        + "  from: "
        + FROM
        + "\n"
        + "  path: "
        + HF_DIR
        + "\n";
  }
}

package dev.heed.cli;

import dev.heed.core.backend.Backend;
import dev.heed.pretrained.GenerationConfig;
import dev.heed.pretrained.PretrainedException;
import dev.heed.pretrained.PretrainedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code heed import MODEL_DIR --out RUN}: a run directory from a Hugging Face model directory. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Make a run directory from a Hugging Face model directory (config.json, model.safetensors or"
          + " model.safetensors.index.json with its shards, and where present"
          + " generation_config.json, tokenizer.json, tokenizer_config.json,"
          + " special_tokens_map.json).",
      "The model is loaded first: an unsupported architecture or config field, missing or"
          + " unexpected weights, a bad shard or an unsupported tokenizer is refused (status 2) and"
          + " nothing is written.",
      "RUN gets config.yaml (model: {from: huggingface, path: hf}) and hf/ with the files copied"
          + " unchanged; heed generate and heed predict open it."
    })
final class ImportCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Parameters(
      index = "0",
      paramLabel = "MODEL_DIR",
      description = "A Hugging Face model directory (as save_pretrained writes it).")
  Path source;

  @Option(
      names = {"-o", "--out"},
      required = true,
      paramLabel = "RUN",
      description = "The run directory to make (must not exist, or be empty).")
  Path out;

  @Option(
      names = {"-b", "--backend"},
      paramLabel = "BACKEND",
      completionCandidates = Backends.class,
      description = "The backend that loads the model to check it (default: auto).")
  String backend;

  @Override
  public Integer call() throws IOException {
    Errors.requireReachable(source, "MODEL_DIR must be a Hugging Face model directory");
    if (!Files.isDirectory(source)) {
      throw new BadInputException(
          source
              + " is not a directory; expected a Hugging Face model directory (config.json,"
              + " model.safetensors …)");
    }
    if (!Files.isRegularFile(source.resolve("config.json"))) {
      throw new BadInputException(
          source
              + ": no config.json; expected a Hugging Face model directory (config.json,"
              + " model.safetensors or model.safetensors.index.json …)");
    }
    if (Files.exists(out) && (!Files.isDirectory(out) || RunDirs.nonEmptyDir(out))) {
      throw new BadInputException(
          out + " already exists and is not an empty directory; choose a new --out");
    }
    List<String> files = new ArrayList<>(HfRuns.weightFiles(source));
    for (String f : HfRuns.FILES) {
      if (Files.isRegularFile(source.resolve(f))) {
        files.add(f);
      }
    }
    for (String f : files) {
      RunDirs.requireFile(source.resolve(f), "listed by " + HfRuns.INDEX);
    }
    String family;
    try (Backend b = HfRuns.backend(backend)) {
      PretrainedModel model = HfRuns.load(source, b);
      family = model.getClass().getSimpleName();
      GenerationConfig.read(source);
    } catch (PretrainedException e) {
      throw new BadInputException(e.getMessage());
    }
    var tokenizer = HfRuns.tokenizer(source);

    // Everything goes into a sibling folder first, which is renamed to RUN at the end: a failed
    // import leaves no half-made run.
    Path target = out.toAbsolutePath().normalize();
    Path parentDir = target.getParent();
    Files.createDirectories(parentDir);
    Path staging = Files.createTempDirectory(parentDir, "." + target.getFileName() + ".import-");
    try {
      Path hf = Files.createDirectory(staging.resolve(HfRuns.HF_DIR));
      for (String f : files) {
        Files.copy(source.resolve(f), hf.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
      }
      Files.writeString(
          staging.resolve(RunDirs.CONFIG), HfRuns.configYaml(source), StandardCharsets.UTF_8);
      if (Files.isDirectory(target)) {
        Files.delete(target); // empty, checked above
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(staging, target);
      }
    } catch (IOException | RuntimeException e) {
      deleteTree(staging);
      throw e;
    }
    PrintWriter o = parent.io().out();
    o.println(
        "imported "
            + family
            + " from "
            + source
            + " into "
            + out
            + " ("
            + String.join(", ", files)
            + (tokenizer == null ? "; no tokenizer.json: token ids only" : "")
            + ")");
    o.flush();
    return Exits.OK;
  }

  /** Deletes {@code dir} and what it holds, as far as it can (a staging folder). */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // best effort: the staging folder is hidden and named after the run
    }
  }
}

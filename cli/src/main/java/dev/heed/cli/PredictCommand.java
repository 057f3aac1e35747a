package dev.heed.cli;

import dev.heed.assembly.Predictor;
import dev.heed.assembly.api.AttentionSample;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** {@code heed predict RUN_DIR INPUT|-}: predictions of a trained model, as CSV on stdout. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Predict with a trained run. INPUT (or - for standard input) is CSV (a header naming the"
          + " model's input columns, extra columns ignored; or no header and exactly the inputs in"
          + " order) or JSON lines (one array of numbers or one object per line).",
      "A PNG or JPEG file (a model trained on images: data sets idx and image-folder) is one row"
          + " of its pixels divided by 255.",
      "Writes CSV to standard output: a header with the output names, then one row per input.",
      "With --sample N (a run on data type text) it needs no INPUT and writes the prompt followed"
          + " by N sampled characters instead.",
      "A BERT run made by heed import reads a text column (--column, default text) and writes the"
          + " label and class probabilities (labels from config.json's id2label), or with"
          + " --embeddings the mean-pooled sentence embedding."
    })
final class PredictCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory (heed train).")
  Path runDir;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "INPUT",
      description = "A CSV or JSON lines file, a PNG or JPEG image, or -.")
  String input;

  @Option(
      names = "--sample",
      paramLabel = "N",
      description = "Sample N characters from a character-level language model (data type text).")
  Integer sample;

  @Option(
      names = "--prompt",
      paramLabel = "TEXT",
      description = "With --sample: the text to continue (default: a new line).")
  String prompt = "\n";

  @Option(
      names = "--temperature",
      paramLabel = "T",
      description =
          "With --sample: divide the logits by T before sampling (default: ${DEFAULT-VALUE}).")
  double temperature = 1.0;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      description =
          "With --sample: the random seed; the same seed gives the same text (default: ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = {"-b", "--backend"},
      paramLabel = "BACKEND",
      completionCandidates = Backends.class,
      description = "Use this backend instead of the run's (${COMPLETION-CANDIDATES}).")
  String backend;

  @Option(
      names = "--column",
      paramLabel = "NAME",
      description =
          "An imported BERT run (heed import): the CSV column or JSON field of the text"
              + " (default: text).")
  String column;

  @Option(
      names = "--embeddings",
      description =
          "An imported BERT run: write sentence embeddings (the mean of the last hidden states over"
              + " the real tokens) instead of labels.")
  boolean embeddings;

  @Option(
      names = "--attention-map",
      paramLabel = "FILE",
      description =
          "With a PNG or JPEG INPUT and a vision transformer (patch-embedding with a class token):"
              + " also write FILE, a PNG of the image upscaled with the class token's attention"
              + " over the patch grid (last attention layer, averaged over heads) drawn over it.")
  Path attentionMap;

  /** Predictions of a run made by heed import: BERT labels or sentence embeddings. */
  private Integer predictImported(Path hf, Io io) throws IOException {
    if (sample != null) {
      throw new BadInputException(
          "found --sample with a run made by heed import; heed generate RUN --prompt TEXT"
              + " continues text with a GPT-2 or Llama model");
    }
    if (input == null) {
      throw new BadInputException(
          "Missing required parameter: 'INPUT' (a CSV or JSON lines file with a text column, or -"
              + " for stdin)");
    }
    Path file = input.equals("-") ? null : Path.of(input);
    if (file != null) {
      RunDirs.requireFile(file, "INPUT must be a CSV or JSON lines file, or - for stdin");
    }
    try (InputStream in = file == null ? io.in() : Files.newInputStream(file)) {
      return HfPredict.run(
          hf,
          file == null ? "stdin" : input,
          in,
          column == null ? "text" : column,
          embeddings,
          backend,
          io.out());
    }
  }

  /** Refuses sampling options without --sample, and values sampling cannot use. */
  private void checkSamplingOptions() {
    ParseResult given = spec.commandLine().getParseResult();
    if (sample == null) {
      for (String o : List.of("--prompt", "--temperature", "--seed")) {
        if (given.hasMatchedOption(o)) {
          throw new BadInputException(
              "found "
                  + o
                  + " without --sample; it applies only to sampling text: heed predict RUN_DIR"
                  + " --sample N "
                  + o
                  + " …");
        }
      }
      return;
    }
    if (sample < 0) {
      throw new BadInputException(
          "found --sample " + sample + ", expected a number of characters >= 0");
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new BadInputException(
          "found --temperature "
              + temperature
              + ", expected a finite number > 0 (1 samples the"
              + " model's distribution, below 1 sharpens it, above 1 flattens it)");
    }
  }

  @Override
  public Integer call() throws IOException {
    checkSamplingOptions();
    Errors.requireReachable(runDir, "RUN_DIR must be a run directory");
    RunDirs.requireRunDir(runDir);
    Seq2SeqRuns.refuse(runDir, "predict");
    Io io = parent.io();
    Path hf = HfRuns.modelDir(runDir);
    if (attentionMap != null && (hf != null || sample != null)) {
      throw new BadInputException(
          "found --attention-map with "
              + (hf != null ? "a run made by heed import" : "--sample")
              + "; it draws a vision transformer's attention over an image INPUT");
    }
    if (hf != null) {
      return predictImported(hf, io);
    }
    if (embeddings || column != null) {
      throw new BadInputException(
          "found "
              + (embeddings ? "--embeddings" : "--column")
              + ", which applies to a run made by heed import from a BERT model; "
              + runDir
              + " is a run heed train made");
    }
    if (sample != null) {
      if (input != null) {
        throw new BadInputException(
            "found INPUT '" + input + "' with --sample, expected one or the other");
      }
      try (Predictor model = Predictor.open(runDir, backend)) {
        PrintWriter out = io.out();
        out.println(model.sample(prompt, sample, temperature, seed));
        out.flush();
      }
      return Exits.OK;
    }
    if (input == null) {
      throw new BadInputException(
          "Missing required parameter: 'INPUT' (a CSV or JSON lines file, or - for stdin), or"
              + " --sample N for a language model");
    }
    Path file = input.equals("-") ? null : Path.of(input);
    if (attentionMap != null && (file == null || !ImageRows.isImage(file))) {
      throw new BadInputException(
          "found --attention-map with INPUT '"
              + input
              + "', expected a PNG or JPEG image (the attention is drawn over it)");
    }
    if (file != null) {
      Errors.requireRegularFile(file, "INPUT must be a CSV or JSON lines file, or - for stdin");
      RunDirs.requireFile(file, "INPUT must be a CSV or JSON lines file, or - for stdin");
    }
    try (Predictor model = Predictor.open(runDir, backend)) {
      List<double[]> rows;
      if (file != null && ImageRows.isImage(file)) {
        rows = List.of(ImageRows.read(file, model.inputNames()));
      } else {
        InputRows reader = new InputRows(file == null ? "stdin" : input, model.inputNames());
        try (InputStream in = file == null ? io.in() : Files.newInputStream(file)) {
          rows = reader.read(in);
        }
      }
      List<double[]> predictions = model.predict(rows);
      if (attentionMap != null) {
        Optional<AttentionSample> a = model.attention(rows, 0);
        if (a.isEmpty()) {
          throw new BadInputException(
              "found --attention-map, but the model of "
                  + runDir
                  + " has no attention layer that keeps its weights (a vision transformer's"
                  + " transformer-encoder does)");
        }
        AttentionOverlay.write(file, a.get().weights()[0], attentionMap);
      }
      PrintWriter out = io.out();
      List<String> header = new ArrayList<>();
      for (String n : model.outputNames()) {
        header.add(InputRows.cell(n));
      }
      out.println(String.join(",", header));
      StringBuilder b = new StringBuilder();
      for (double[] p : predictions) {
        b.setLength(0);
        for (int j = 0; j < p.length; j++) {
          if (j > 0) {
            b.append(',');
          }
          b.append((float) p[j]);
        }
        out.println(b);
        if (out.checkError()) {
          // Standard output failed (a full disk, a closed pipe): Main reports it with status 1.
          break;
        }
      }
      out.flush();
    }
    return Exits.OK;
  }
}

package dev.heed.cli;

import dev.heed.assembly.Heed;
import dev.heed.assembly.Seq2Seq;
import dev.heed.assembly.api.Assembly;
import dev.heed.assembly.api.Config;
import dev.heed.assembly.api.EpochEvent;
import dev.heed.assembly.api.ReplayReport;
import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.api.TrainingListener;
import dev.heed.assembly.config.DataConfig;
import dev.heed.assembly.config.HeedConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code heed train CONFIG [--set a.b=v …] [--backend B] [--out DIR]} or {@code heed train --resume
 * DIR}: trains, checkpoints into the run directory and draws {@code loss.png} (and {@code
 * attention.png} for models with attention).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train the model a config describes, into a run directory (config.yaml, weights.safetensors,"
          + " optimizer.safetensors, trainer.json, metrics.csv, loss.png, attention.png).",
      "On a terminal a progress bar shows epoch, loss, examples/s and ETA; otherwise one line per"
          + " epoch is logged."
    })
final class TrainCommand implements Callable<Integer> {
  /** The exit status after Ctrl-C, as a shell reports a process ended by SIGINT. */
  static final int INTERRUPTED = 130;

  /** How long Ctrl-C waits for training to reach a step boundary. */
  private static final long STOP_WAIT_MILLIS = 10_000;

  @ParentCommand HeedCommand parent;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONFIG",
      description = "The config, YAML (.yaml, .yml) or JSON (.json). Not with --resume.")
  Path config;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description =
          "Override one config value, e.g. --set training.epochs=50 --set optimizer.lr=0.05"
              + " (VALUE is read as a YAML scalar). Repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = {"-b", "--backend"},
      paramLabel = "BACKEND",
      completionCandidates = Backends.class,
      description = "Use this backend instead of the config's (${COMPLETION-CANDIDATES}).")
  String backend;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      description =
          "The run directory to create; it must be absent or empty (default: runs/NAME, or"
              + " runs/NAME-2, -3 … when taken).")
  Path out;

  @Option(
      names = "--resume",
      paramLabel = "DIR",
      description = "Continue the run in DIR exactly where it stopped.")
  Path resume;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      description =
          "local (default: this process) or spark (data-parallel on Spark executors; needs"
              + " heed-spark and Spark 4.2 on the class path: bin/heed finds them through"
              + " SPARK_HOME).")
  String engine = "local";

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "With --engine spark: the Spark master, e.g. local[2] or spark://host:7077.")
  String master;

  @Override
  public Integer call() throws IOException {
    Io io = parent.io();
    PrintWriter o = io.out();
    if (engine.equals("spark")) {
      return SparkEngine.train(io, config, overrides, backend, out, resume, master);
    }
    if (!engine.equals("local")) {
      throw new BadInputException("--engine: found '" + engine + "', expected local or spark");
    }
    if (master != null) {
      throw new BadInputException("--master applies to --engine spark only");
    }
    Path runDir;
    Assembly assembly;
    if (resume != null) {
      if (config != null || !overrides.isEmpty() || out != null) {
        throw new BadInputException(
            "--resume DIR continues a run with the config saved in DIR; do not give CONFIG, --set"
                + " or --out with it");
      }
      RunDirs.requireRunDir(resume);
      if (Seq2Seq.isPartsRun(resume)) {
        return Seq2SeqRuns.train(io, null, List.of(), backend, resume);
      }
      if (HfRuns.modelDir(resume) != null) {
        throw new BadInputException(
            resume
                + " holds a Hugging Face model (heed import, or a fine-tuning run), which --resume"
                + " cannot continue; train again from its config");
      }
      assembly = Heed.resume(resume, backend);
      runDir = resume;
    } else {
      if (config == null) {
        throw new BadInputException(
            "missing CONFIG: give a config file (e.g. heed train examples/seed-simple.yaml), or"
                + " --resume DIR");
      }
      Errors.requireRegularFile(
          config, "CONFIG must be a YAML or JSON config file; heed init TEMPLATE writes one");
      if (HfTrain.isHuggingFace(config)) {
        if (!overrides.isEmpty()) {
          throw new BadInputException(
              "--set does not apply to a config with model.from: huggingface; edit the config");
        }
        return HfTrain.run(config, out != null ? out : defaultRunDir(config), backend, o);
      }
      Config c = Seq2Seq.isPartsConfig(config) ? null : Heed.loadConfig(config, overrides);
      runDir = out != null ? out : defaultRunDir(config);
      if (Files.exists(runDir) && !Files.isDirectory(runDir)) {
        throw new BadInputException(runDir + " is a file; --out must name a directory");
      }
      Optional<String> owner = RunDirs.owner(runDir);
      if (owner.isPresent()) {
        throw new BadInputException(
            "run directory "
                + runDir
                + " is in use by another heed train ("
                + owner.get()
                + "); wait for it to end, or choose another --out");
      }
      if (RunDirs.nonEmptyDir(runDir)) {
        throw new BadInputException(
            "run directory "
                + runDir
                + " is not empty; choose another --out"
                + (RunDirs.resumable(runDir)
                    ? ", remove it, or continue it with --resume " + runDir
                    : " or remove it (it holds no run: there is no " + RunDirs.CONFIG + ")"));
      }
      if (c == null) {
        return Seq2SeqRuns.train(io, config, overrides, backend, runDir);
      }
      assembly = Heed.assemble(c, backend);
    }
    TrainResult result;
    ReplayReport replay;
    try (assembly) {
      for (String note : assembly.notes()) {
        o.println(note);
      }
      TrainingListener listener =
          io.terminal() ? new ProgressBar(o, io.columns()) : new EpochLog(o);
      GracefulStop stop = new GracefulStop(listener);
      Thread onInterrupt =
          new Thread(
              () -> {
                stop.request();
                if (!stop.awaitFinished(STOP_WAIT_MILLIS)) {
                  interrupted(o, runDir, false);
                }
              },
              "heed-train-interrupted");
      Runtime.getRuntime().addShutdownHook(onInterrupt);
      try {
        result = assembly.train(runDir, stop);
        replay = assembly.replayReport();
      } catch (GracefulStop.Stopped e) {
        interrupted(o, runDir, true);
        return INTERRUPTED;
      } finally {
        stop.finished();
        try {
          Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException e) {
          // the JVM is already shutting down
        }
      }
    }
    o.flush();
    List<String> written = new ArrayList<>();
    draw(io, runDir.resolve("loss.png"), written, () -> Charts.writeLoss(runDir, result));
    if (result.attention().isPresent()) {
      draw(
          io,
          runDir.resolve("attention.png"),
          written,
          () -> Charts.writeAttention(runDir, result.attention().get()));
    }
    summary(o, runDir, result, replay, written);
    o.println(next(runDir));
    return Exits.OK;
  }

  /**
   * Ctrl-C (or a kill) during training: end the progress line and say how to continue.
   *
   * @param clean whether training stopped between two steps (else it was cut off after waiting)
   */
  private static void interrupted(PrintWriter o, Path runDir, boolean clean) {
    o.println();
    o.println(
        "interrupted"
            + (clean ? "" : " while busy (the checkpoint being written may be incomplete)")
            + "; continue with: heed train --resume "
            + runDir);
    o.flush();
  }

  /** Something that draws a picture. */
  @FunctionalInterface
  private interface Drawing {
    void draw() throws IOException;
  }

  private static void draw(Io io, Path file, List<String> written, Drawing d) {
    try {
      d.draw();
      written.add(file.getFileName().toString());
    } catch (IOException | RuntimeException | LinkageError e) {
      io.err().println("heed train: warning: could not draw " + file + ": " + e);
    }
  }

  private static void summary(
      PrintWriter o, Path runDir, TrainResult r, ReplayReport replay, List<String> pictures) {
    o.println("stopped after " + r.epochs() + " epochs: " + r.stopReason());
    if (!r.history().isEmpty()) {
      EpochEvent last = r.history().get(r.history().size() - 1);
      StringBuilder b = new StringBuilder("final: loss " + Fmt.loss(last.trainLoss()));
      if (!Double.isNaN(last.validationLoss())) {
        b.append(", val_loss ").append(Fmt.loss(last.validationLoss()));
      }
      for (Map.Entry<String, Double> m : Fmt.sorted(last.metrics())) {
        b.append(", ").append(m.getKey()).append(' ').append(Fmt.loss(m.getValue()));
      }
      o.println(b);
    }
    o.println(replay.describe());
    o.println("run directory: " + runDir);
    List<String> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(runDir)) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .forEach(files::add);
    } catch (IOException e) {
      files.addAll(pictures);
    }
    o.println("  " + String.join(", ", files));
  }

  /**
   * What to do with the run next, by its data: a language model on text samples, a generated
   * sequence task predicts rows of token ids (eval takes feature rows only), feature rows evaluate
   * and predict CSV files.
   */
  static String next(Path runDir) {
    String generic =
        "next: heed eval " + runDir + " DATA.csv   or   heed predict " + runDir + " INPUT.csv";
    DataConfig d;
    try {
      if (!(Heed.loadConfig(runDir.resolve(RunDirs.CONFIG), List.of()) instanceof HeedConfig h)) {
        return generic;
      }
      d = h.data();
    } catch (IOException | RuntimeException e) {
      return generic;
    }
    if (d.characterLanguageModel()) {
      return "next: heed predict " + runDir + " --sample 200 --prompt TEXT   (text from the model)";
    }
    if (d.sequence()) {
      return "next: heed predict "
          + runDir
          + " INPUT.csv   (rows of "
          + d.layout().length()
          + " token ids, 0 for padding)";
    }
    return generic;
  }

  /**
   * {@code runs/NAME}, or the first of {@code runs/NAME-2}, {@code -3} … that is absent or empty
   * and that no training owns.
   */
  static Path defaultRunDir(Path config) {
    String name = config.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    Path base = Path.of("runs");
    Path dir = base.resolve(name);
    for (int i = 2;
        RunDirs.nonEmptyDir(dir) || Files.isRegularFile(dir) || RunDirs.owner(dir).isPresent();
        i++) {
      dir = base.resolve(name + "-" + i);
    }
    return dir;
  }
}

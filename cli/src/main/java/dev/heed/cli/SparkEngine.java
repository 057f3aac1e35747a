package dev.heed.cli;

import dev.heed.assembly.api.TrainResult;
import dev.heed.assembly.train.TrainerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.spi.ToolProvider;

/**
 * {@code heed train --engine spark}: hands the run to the {@code heed-spark} tool of the heed-spark
 * artifact, which only a class-path launch with Spark's jars has (bin/heed makes one when {@code
 * SPARK_HOME} is set). Spark never enters the default distribution.
 */
final class SparkEngine {
  private SparkEngine() {}

  static int train(
      Io io,
      Path config,
      List<String> overrides,
      String backend,
      Path out,
      Path resume,
      String master) {
    Optional<ToolProvider> tool = ToolProvider.findFirst("heed-spark");
    if (tool.isEmpty()) {
      throw new BadInputException(
          "--engine spark needs the heed-spark bridge and Spark 4.2 on the class path: set"
              + " SPARK_HOME to an unpacked Spark 4.2.0 (spark-4.2.0-bin-hadoop3) and run bin/heed"
              + " again; this heed has no Spark");
    }
    List<String> args = new ArrayList<>();
    if (resume != null) {
      if (config != null || !overrides.isEmpty() || out != null) {
        throw new BadInputException(
            "--resume DIR continues a run with the config saved in DIR; do not give CONFIG, --set"
                + " or --out with it");
      }
      args.addAll(List.of("--resume", resume.toString()));
    } else {
      if (config == null) {
        throw new BadInputException(
            "missing CONFIG: give a config file (e.g. heed train examples/seed-simple.yaml"
                + " --engine spark --master local[2]), or --resume DIR");
      }
      args.add(config.toString());
      args.addAll(
          List.of("--out", (out != null ? out : TrainCommand.defaultRunDir(config)).toString()));
      for (String s : overrides) {
        args.addAll(List.of("--set", s));
      }
    }
    if (backend != null) {
      args.addAll(List.of("--backend", backend));
    }
    if (master != null) {
      args.addAll(List.of("--master", master));
    }
    int status = tool.get().run(io.out(), io.err(), args.toArray(String[]::new));
    io.out().flush();
    io.err().flush();
    Path runDir = resume != null ? resume : Path.of(args.get(args.indexOf("--out") + 1));
    if (status == 0) {
      drawLoss(io, runDir);
    }
    return status;
  }

  /** loss.png from the run's committed history, as a local run draws it. */
  private static void drawLoss(Io io, Path runDir) {
    try {
      TrainerState s = TrainerState.load(runDir);
      Charts.writeLoss(
          runDir,
          new TrainResult(runDir, s.epoch(), s.stopReason(), s.history(), Optional.empty()));
    } catch (IOException | RuntimeException | LinkageError e) {
      io.err()
          .println("heed train: warning: could not draw " + runDir.resolve("loss.png") + ": " + e);
    }
  }
}

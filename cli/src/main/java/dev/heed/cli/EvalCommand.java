package dev.heed.cli;

import dev.heed.assembly.Heed;
import dev.heed.assembly.api.TrainedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code heed eval RUN_DIR DATA}: loss and metrics of a trained model on a CSV file. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a trained run on a CSV file with the config's feature and label columns; print"
          + " the loss and metrics, one 'name value' per line."
    })
final class EvalCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory (heed train).")
  Path runDir;

  @Parameters(index = "1", paramLabel = "DATA", description = "A CSV file with a header row.")
  Path data;

  @Option(
      names = {"-b", "--backend"},
      paramLabel = "BACKEND",
      completionCandidates = Backends.class,
      description = "Use this backend instead of the run's (${COMPLETION-CANDIDATES}).")
  String backend;

  @Override
  public Integer call() throws IOException {
    Errors.requireReachable(runDir, "RUN_DIR must be a run directory");
    Errors.requireRegularFile(data, "DATA must be a CSV file");
    RunDirs.requireRunDir(runDir);
    if (HfRuns.modelDir(runDir) != null) {
      throw new BadInputException(
          runDir
              + " holds a Hugging Face model (heed import or a fine-tuning run); heed eval reads"
              + " runs heed train made from layers; use heed predict on it");
    }
    RunDirs.requireFile(data, "DATA must be a CSV file");
    PrintWriter out = parent.io().out();
    try (TrainedModel model = Heed.open(runDir, backend)) {
      Map<String, Double> metrics = model.evaluate(data);
      Double examples = metrics.get("examples");
      if (examples != null && examples == 0) {
        // A loss over no rows is NaN: not a result to print with status 0.
        throw new BadInputException(
            data + ": no examples (a header and no data rows); eval needs at least one row");
      }
      List<Map.Entry<String, Double>> entries = new ArrayList<>(Fmt.sorted(metrics));
      entries.sort(
          (a, b) -> Boolean.compare(!a.getKey().equals("loss"), !b.getKey().equals("loss")));
      for (Map.Entry<String, Double> e : entries) {
        out.println(e.getKey() + " " + Fmt.loss(e.getValue()));
      }
    }
    return Exits.OK;
  }
}

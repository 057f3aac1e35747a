package dev.heed.cli;

import dev.heed.assembly.ModelSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code heed summary RUN_DIR}: the layers of a run's model with output shapes and parameters. */
@Command(
    name = "summary",
    mixinStandardHelpOptions = true,
    description = {
      "Print a run's model as torchinfo does: each layer with its output shape for one example and"
          + " its number of parameters, then the totals. Reads config.yaml only, so it works while"
          + " the run is still training its first epoch."
    })
final class SummaryCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run directory (heed train).")
  Path runDir;

  @Option(
      names = "--parameters",
      description = "Also list every parameter tensor with its name and shape.")
  boolean parameters;

  @Override
  public Integer call() throws IOException {
    Errors.requireReachable(runDir, "RUN_DIR must be a run directory");
    RunDirs.requireRunDir(runDir);
    Seq2SeqRuns.refuse(runDir, "summary");
    if (HfRuns.modelDir(runDir) != null) {
      throw new BadInputException(
          runDir
              + " holds a Hugging Face model (heed import or a fine-tuning run); heed summary"
              + " reads runs heed train made from layers");
    }
    ModelSummary s = ModelSummary.of(runDir, "cpu");
    PrintWriter out = parent.io().out();
    out.println(
        "Model of "
            + runDir
            + ": input "
            + s.input()
            + (s.sequences() ? " token ids" : " features"));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Layer", "Type", "Output shape", "Param #"});
    for (ModelSummary.Row r : s.layers()) {
      rows.add(new String[] {r.name(), r.type(), r.output().toString(), grouped(r.parameters())});
      if (parameters) {
        r.parameterShapes()
            .forEach(
                (name, shape) -> rows.add(new String[] {"  " + name, "", shape.toString(), ""}));
      }
    }
    int[] width = new int[4];
    for (String[] r : rows) {
      for (int c = 0; c < 4; c++) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    int total = width[0] + width[1] + width[2] + width[3] + 6;
    String rule = "-".repeat(total);
    out.println(rule);
    for (int i = 0; i < rows.size(); i++) {
      String[] r = rows.get(i);
      out.println(
          String.format(
              Locale.ROOT,
              "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %" + width[3] + "s",
              r[0],
              r[1],
              r[2],
              r[3]));
      if (i == 0) {
        out.println(rule);
      }
    }
    out.println(rule);
    out.println("Total params: " + grouped(s.parameters()));
    out.println("Trainable params: " + grouped(s.parameters()));
    out.println("Params size: " + bytes(s.parameters() * 4) + " (float32)");
    out.flush();
    return Exits.OK;
  }

  private static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    if (b < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.2f KiB", b / 1024.0);
    }
    return String.format(Locale.ROOT, "%.2f MiB", b / (1024.0 * 1024));
  }
}

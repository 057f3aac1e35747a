package dev.heed.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

/**
 * {@code heed ui RUNS_DIR …}: the web dashboard of a directory of runs, served by the heed-serve
 * module (its {@code heed serve ui} command), reached as {@link ServeCommand} reaches it.
 */
@Command(
    name = "ui",
    description = {
      "Show a web dashboard of the runs in RUNS_DIR (heed ui --help for the options): configs,"
          + " model summaries, loss and metric curves that follow a training run live, two runs"
          + " compared, attention heatmaps and a predict form."
    })
final class UiCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> all = new ArrayList<>();
    all.add("ui");
    all.addAll(args);
    return ServeCommand.runTool(parent.io(), all);
  }
}

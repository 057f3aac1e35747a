package dev.heed.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.spi.ToolProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

/**
 * {@code heed serve …}: hands its arguments to the {@code heed-serve} tool of the heed-serve module
 * (found with the JDK's {@link ToolProvider#findFirst}), so the command line does not depend on the
 * server's web stack. {@code heed serve --help} shows the server's options.
 */
@Command(
    name = "serve",
    description = {
      "Serve trained runs over HTTP (heed serve --help for the options): predictions with"
          + " micro-batching, streamed text generation, health, Prometheus metrics and hot reload"
          + " of new checkpoints; --ui RUNS_DIR adds the web dashboard."
    })
final class ServeCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    return runTool(parent.io(), args);
  }

  /** Runs the heed-serve tool with {@code args}; says which jar is missing when it is absent. */
  static int runTool(Io io, List<String> args) {
    Optional<ToolProvider> tool = ToolProvider.findFirst("heed-serve");
    if (tool.isEmpty()) {
      throw new BadInputException(
          "heed serve needs the heed-serve module (lib/heed-serve-*.jar in the distribution, or"
              + " the dev.heed:heed-serve artifact) on the module or class path; this heed has"
              + " none");
    }
    int status = tool.get().run(io.out(), io.err(), args.toArray(String[]::new));
    io.out().flush();
    io.err().flush();
    return status;
  }
}

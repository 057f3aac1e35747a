package dev.heed.serve;

import dev.heed.assembly.api.ConfigException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code heed ui RUNS_DIR} (also {@code heed serve ui RUNS_DIR}): the web dashboard of the runs in
 * a directory, alone, until the process is stopped.
 */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Show a web dashboard of the runs in RUNS_DIR (each subdirectory that heed train wrote) until"
          + " stopped: their configs and model summaries, loss and metric curves that follow a"
          + " training run live (from metrics.jsonl), two runs compared, attention heatmaps of"
          + " rows you choose and a predict form. Open the address it prints in a browser."
    })
final class UiCommand implements Callable<Integer> {
  @ParentCommand ServeCommand parent;

  @Parameters(index = "0", paramLabel = "RUNS_DIR", description = "A directory of run directories.")
  Path runsDir;

  @Option(names = "--port", description = "The port; 0 takes a free one (default: 8080).")
  int port = 8080;

  @Option(names = "--host", description = "The address to bind (default: 127.0.0.1, loopback).")
  String host = "127.0.0.1";

  @Option(
      names = {"-b", "--backend"},
      paramLabel = "BACKEND",
      description = "Open the runs' models on this backend instead of each run's.")
  String backend;

  @Override
  public Integer call() throws InterruptedException {
    HeedServer server;
    try {
      ServeOptions d = ServeOptions.defaults();
      ServeOptions options =
          new ServeOptions(
              host,
              port,
              d.batching(),
              d.maxBatchRows(),
              d.maxWait(),
              d.workers(),
              d.queueCapacity(),
              d.maxRequestBytes(),
              d.maxRowsPerRequest(),
              d.requestTimeout(),
              d.reloadPeriod(),
              d.drainTimeout(),
              d.linger(),
              backend);
      server = HeedServer.start(Map.of(), options, runsDir);
    } catch (ConfigException | IllegalArgumentException e) {
      parent.err().println("heed ui: error: " + e.getMessage());
      return 2;
    } catch (IOException | IllegalStateException e) {
      parent.err().println("heed ui: error: " + e.getMessage());
      return 1;
    }
    return ServeCommand.serveUntilStopped(
        "heed ui", server, host, runsDir, parent.out(), parent.stopped());
  }
}

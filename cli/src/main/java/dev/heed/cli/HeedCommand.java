package dev.heed.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code heed} command: its global options and subcommands. */
@Command(
    name = "heed",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Build, train and run attention networks.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      PluginsCommand.class,
      InitCommand.class,
      TrainCommand.class,
      EvalCommand.class,
      PredictCommand.class,
      SummaryCommand.class,
      ImportCommand.class,
      GenerateCommand.class,
      ServeCommand.class,
      UiCommand.class,
      BenchCommand.class,
      CompletionCommand.class,
      SchemaCommand.class,
    },
    footer = {
      "",
      "Exit status: 0 success, 2 bad input or usage, 1 failure.",
      "Plugins: bin/heed puts $HEED_PLUGINS (default: the distribution's plugins/ directory) on the"
          + " module path.",
      "Set HEED_DEBUG=1 (or pass --verbose) to see stack traces."
    })
final class HeedCommand implements Callable<Integer> {
  private final Io io;

  @Spec CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print stack traces of errors (as HEED_DEBUG=1 does).")
  boolean verbose;

  HeedCommand(Io io) {
    this.io = io;
  }

  /** Where commands read and write. */
  Io io() {
    return io;
  }

  /** Whether stack traces were asked for. */
  boolean verbose() {
    return verbose;
  }

  /** Without a command: the usage, on standard error, and status 2. */
  @Override
  public Integer call() {
    io.err().println("heed: error: missing COMMAND");
    spec.commandLine().usage(io.err());
    return Exits.BAD_INPUT;
  }
}

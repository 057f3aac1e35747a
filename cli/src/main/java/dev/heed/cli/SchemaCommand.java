package dev.heed.cli;

import dev.heed.assembly.Heed;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code heed schema}: prints the JSON Schema of the config file. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = {
      "Print the JSON Schema (draft 2020-12) of a heed config, derived from the config model and"
          + " the option schemas of the plugins found (editors validate and complete configs with"
          + " it), for example:",
      "  heed schema > heed-config.schema.json"
    })
final class SchemaCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Override
  public Integer call() {
    parent.io().out().println(Heed.jsonSchema());
    parent.io().out().flush();
    return Exits.OK;
  }
}

package dev.heed.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code heed completion}: prints the bash (and zsh) completion script. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a bash/zsh completion script for heed: source <(heed completion).",
      "or save it: heed completion > ~/.local/share/bash-completion/completions/heed"
    })
final class CompletionCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("heed", spec.root().commandLine());
    parent.io().out().print(script);
    parent.io().out().flush();
    return Exits.OK;
  }
}

package dev.heed.cli;

import dev.heed.assembly.Heed;
import dev.heed.core.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code heed init TEMPLATE [--out FILE] [--force]}: writes a starter config. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {"Write a starter config from a template.", "Then run: heed train FILE"})
final class InitCommand implements Callable<Integer> {
  @ParentCommand HeedCommand parent;

  @Parameters(
      index = "0",
      paramLabel = "TEMPLATE",
      completionCandidates = Templates.class,
      description = "The template: ${COMPLETION-CANDIDATES}.")
  String template;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "FILE",
      description = "Where to write the config (default: TEMPLATE.yaml in this directory).")
  Path out;

  @Option(
      names = {"-f", "--force"},
      description = "Overwrite FILE if it exists.")
  boolean force;

  /** Completion candidates: the template names. */
  static final class Templates extends ArrayList<String> {
    private static final long serialVersionUID = 1L;

    Templates() {
      super(Heed.templates());
    }
  }

  @Override
  public Integer call() throws IOException {
    String yaml = Heed.template(template);
    Path target = out != null ? out : Path.of(template + ".yaml");
    if (Files.isDirectory(target)) {
      target = target.resolve(template + ".yaml");
    }
    requireDirectoryAbove(target);
    String kind = Errors.kind(target);
    if (kind != null && !kind.equals(Errors.REGULAR_FILE)) {
      // Renaming over a device, FIFO or link would destroy it: only regular files are replaced.
      throw new BadInputException(
          target
              + " is "
              + kind
              + ", not a regular file; heed init replaces only regular files: give --out a"
              + " file name");
    }
    if (kind != null && !force) {
      throw new BadInputException(
          target + " already exists; pass --force to overwrite it, or --out to write elsewhere");
    }
    // The data a template reads beside its config (the text template's corpus.txt): a file that
    // is already there is the user's and is kept.
    Path dir = target.toAbsolutePath().getParent();
    List<String> kept = new ArrayList<>();
    for (Map.Entry<String, String> data : Heed.templateData(template).entrySet()) {
      Path file = dir.resolve(data.getKey());
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        kept.add(file.toString());
      } else {
        AtomicFile.write(file, o -> o.write(data.getValue().getBytes(StandardCharsets.UTF_8)));
        parent.io().out().println("wrote " + file + " (the data of template '" + template + "')");
      }
    }
    AtomicFile.write(target, o -> o.write(yaml.getBytes(StandardCharsets.UTF_8)));
    parent.io().out().println("wrote " + target + " (template '" + template + "')");
    for (String file : kept) {
      parent.io().out().println("kept " + file + ", which the config reads as its data");
    }
    parent.io().out().println("next: heed train " + target);
    return Exits.OK;
  }

  /** Refuses a target that would have to be created under something that is not a directory. */
  private static void requireDirectoryAbove(Path target) {
    for (Path p = target.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p)) {
        return;
      }
      if (Files.exists(p)) {
        throw new BadInputException(
            p + " is not a directory, so " + target + " cannot be written under it");
      }
    }
  }
}

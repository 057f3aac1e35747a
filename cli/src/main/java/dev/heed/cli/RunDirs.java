package dev.heed.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Checks on run directories, with messages that say what a run directory holds. */
final class RunDirs {
  private RunDirs() {}

  /** Whether {@code dir} is a directory with something in it. */
  static boolean nonEmptyDir(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Checks that {@code dir} looks like a run directory written by {@code heed train}. */
  static void requireRunDir(Path dir) {
    if (!Files.exists(dir)) {
      throw new BadInputException(
          dir + ": no such run directory; heed train CONFIG --out " + dir + " creates one");
    }
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(dir + " is a file, not a run directory");
    }
    for (String f : new String[] {"config.yaml", "weights.safetensors"}) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new BadInputException(
            dir
                + " is not a run directory: it has no "
                + f
                + " (heed train writes config.yaml, weights.safetensors, trainer.json …)");
      }
    }
  }

  /** Checks that {@code file} is a readable regular file. */
  static void requireFile(Path file, String what) {
    if (!Files.exists(file)) {
      throw new BadInputException(file + ": no such file (" + what + ")");
    }
    if (!Files.isRegularFile(file)) {
      throw new BadInputException(file + " is not a regular file (" + what + ")");
    }
  }
}

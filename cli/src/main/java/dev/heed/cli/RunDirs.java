package dev.heed.cli;

import dev.heed.assembly.train.RunLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** Checks on run directories, with messages that say what a run directory holds. */
final class RunDirs {
  /** The run's resolved config, written first when a run starts. */
  static final String CONFIG = "config.yaml";

  private RunDirs() {}

  /**
   * Whether {@code dir} is a directory with something in it besides the lock file a training leaves
   * behind ({@link RunLock#FILE}).
   */
  static boolean nonEmptyDir(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> !p.getFileName().toString().equals(RunLock.FILE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether {@code dir} holds a run that {@code heed train --resume} can continue. */
  static boolean resumable(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  /** Who is training into {@code dir} now, if anyone (pid, host, start time). */
  static Optional<String> owner(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try {
      return RunLock.owner(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks that {@code dir} looks like a run directory written by {@code heed train}: it has the
   * run's config. Whether it has a committed checkpoint yet is for the reader to say (a checkpoint
   * may still be staged, see {@link dev.heed.assembly.train.Checkpoints}).
   */
  static void requireRunDir(Path dir) {
    if (!Files.exists(dir)) {
      throw new BadInputException(
          dir + ": no such run directory; heed train CONFIG --out " + dir + " creates one");
    }
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(dir + " is a file, not a run directory");
    }
    if (!resumable(dir)) {
      throw new BadInputException(
          dir
              + " is not a run directory: it has no "
              + CONFIG
              + " (heed train writes config.yaml, weights.safetensors, trainer.json …)");
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

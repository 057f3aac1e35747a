package dev.heed.assembly.train;

import dev.heed.assembly.api.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * Which checkpoint of a run directory is the committed one: its epoch and step, and a stamp of its
 * {@code trainer.json} (file identity, size and modification time) that changes with every commit.
 * Two reads of the same commit are equal, also when the writer's recovery moved the staged files
 * into place in between (a rename keeps the stamp). Reading changes nothing.
 *
 * @param epoch the last finished epoch of the checkpoint
 * @param step the optimizer steps taken
 * @param stamp identifies the commit; equal stamps mean the same commit
 */
public record CommittedCheckpoint(int epoch, long step, String stamp) {
  private static final String COMMIT = "COMMIT";
  private static final int READ_ATTEMPTS = 50;

  /**
   * The committed checkpoint of {@code dir} now, or empty when none was committed yet.
   *
   * @throws ConfigException when its {@code trainer.json} is malformed
   */
  public static Optional<CommittedCheckpoint> read(Path dir) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Path staging = dir.resolve(Checkpoints.STAGING);
      Path staged = staging.resolve(TrainerState.FILE);
      Path file =
          Files.isRegularFile(staging.resolve(COMMIT)) && Files.isRegularFile(staged)
              ? staged
              : dir.resolve(TrainerState.FILE);
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        TrainerState s = TrainerState.read(file);
        BasicFileAttributes b = Files.readAttributes(file, BasicFileAttributes.class);
        String stamp = stamp(a);
        if (stamp.equals(stamp(b))) {
          return Optional.of(new CommittedCheckpoint(s.epoch(), s.step(), stamp));
        }
      } catch (NoSuchFileException e) {
        // before the first commit there is nothing; else a commit moved the file: look again
        if (!Files.exists(dir.resolve(TrainerState.FILE))
            && !Files.isRegularFile(staging.resolve(COMMIT))) {
          return Optional.empty();
        }
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) {
          throw e;
        }
      }
      if (attempt >= READ_ATTEMPTS) {
        throw new ConfigException(
            dir + ": the checkpoint changed every time it was read; try again");
      }
      Thread.onSpinWait();
    }
  }

  private static String stamp(BasicFileAttributes a) {
    return a.fileKey() + "," + a.size() + "," + a.lastModifiedTime().toMillis();
  }
}

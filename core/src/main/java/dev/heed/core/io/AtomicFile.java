package dev.heed.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes a file through a new temporary sibling ({@code .NAME.RANDOM.tmp}), forced to the disk,
 * then renamed over the target, so a crash leaves either the old file or the new one, never half of
 * one. The temporary file is created like any new file, so the target gets the mode the umask gives
 * (unlike {@link Files#createTempFile}, whose files are owner-only). Every file Heed writes into a
 * run directory goes through here.
 */
public final class AtomicFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFile() {}

  /** Something that writes a file's bytes. */
  @FunctionalInterface
  public interface Writer {
    /** Writes the content to {@code out}. */
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} atomically, replacing it if it exists; its directory is created when
   * missing.
   *
   * @throws IOException when it cannot be written; the target is then left as it was and the
   *     temporary file removed
   */
  public static void write(Path target, Writer writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = null;
    OutputStream out = null;
    for (int attempt = 0; out == null; attempt++) {
      tmp =
          dir.resolve(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toUnsignedString(RANDOM.nextLong(), 36)
                  + ".tmp");
      try {
        out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
    try {
      try (OutputStream o = out) {
        writer.write(o);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** {@link #write(Path, Writer)} of {@code bytes}. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, o -> o.write(bytes));
  }
}

package dev.heed.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/** Writes files through a temporary sibling and a rename, so a crash never leaves half a file. */
final class AtomicFiles {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /** Something that writes a file's bytes. */
  @FunctionalInterface
  interface Writer {
    /** Writes the content to {@code out}. */
    void write(OutputStream out) throws IOException;
  }

  /** Writes {@code target} atomically (replacing it if it exists). */
  static void write(Path target, Writer writer) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // a new file with the default mode (the umask decides), unlike createTempFile's owner-only one
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
}

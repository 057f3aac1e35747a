package dev.heed.assembly.train;

import dev.heed.assembly.api.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The owner of a run directory: the one training that may write it. Ownership is an exclusive lock
 * ({@link FileChannel#tryLock()}) on the file {@value #FILE} inside the directory, which the
 * operating system releases when the process ends, however it ends; the file itself stays (deleting
 * it would let two processes lock two different files of that name) and records who holds it: pid,
 * host and start time. Readers (predict, eval) never take it.
 *
 * <p>A JVM releases all its locks on a file when it closes any channel to it, so locks held by this
 * JVM are also kept in a table that is checked before a channel is opened.
 */
public final class RunLock implements AutoCloseable {
  /** The lock file inside a run directory. */
  public static final String FILE = ".lock";

  private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;

  private RunLock(Path key, FileChannel channel, FileLock lock) {
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Makes this process the owner of {@code dir}, which must exist.
   *
   * @throws ConfigException when another training owns it, naming the owner
   */
  public static RunLock acquire(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    Path key = dir.toRealPath();
    String me = describeThisProcess();
    if (HELD.putIfAbsent(key, me) != null) {
      throw inUse(dir, HELD.get(key));
    }
    FileChannel ch = null;
    try {
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw inUse(dir, read(ch));
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      ch.force(false);
      return new RunLock(key, ch, lock);
    } catch (IOException | RuntimeException e) {
      HELD.remove(key);
      if (ch != null) {
        ch.close();
      }
      throw e;
    }
  }

  /**
   * Who owns {@code dir} now, if anyone: empty when no process holds its lock. Creates and changes
   * nothing.
   */
  public static Optional<String> owner(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String mine = HELD.get(dir.toRealPath());
    if (mine != null) {
      return Optional.of(mine);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock probe;
      try {
        probe = ch.tryLock(0, Long.MAX_VALUE, true);
      } catch (OverlappingFileLockException e) {
        probe = null;
      }
      if (probe != null) {
        probe.release();
        return Optional.empty();
      }
      return Optional.of(read(ch));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** The refusal for a second writer of {@code dir}, which {@code owner} holds. */
  public static ConfigException inUse(Path dir, String owner) {
    return new ConfigException(
        dir
            + ": the run directory is in use by another training ("
            + owner
            + "); wait for it to end, or train into another directory");
  }

  /** What the lock file says about its owner (where locks are mandatory it cannot be read). */
  private static String read(FileChannel ch) {
    ByteBuffer b = ByteBuffer.allocate(1024);
    try {
      ch.read(b, 0);
    } catch (IOException e) {
      return "owner unknown: " + e.getMessage();
    }
    String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? "owner not recorded yet" : s;
  }

  private static String describeThisProcess() {
    return "pid "
        + ProcessHandle.current().pid()
        + " on "
        + host()
        + ", started "
        + ProcessHandle.current()
            .info()
            .startInstant()
            .orElse(Instant.now())
            .truncatedTo(ChronoUnit.SECONDS);
  }

  private static String host() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      } catch (IOException | RuntimeException e) {
        h = "";
      }
    }
    return h.isBlank() ? "this host" : h;
  }

  /** Gives the directory up; the lock file stays. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      HELD.remove(key);
    }
  }
}

package dev.heed.assembly;

import dev.heed.assembly.train.RunLock;
import java.nio.file.Path;

/**
 * A second process for {@link RunLockProcessTest}: owns the run directory {@code args[0]}, says
 * {@code locked}, and holds it until its standard input ends or it is killed.
 */
public final class LockHolder {
  private LockHolder() {}

  /** Holds the lock of {@code args[0]}. */
  @SuppressWarnings("try")
  public static void main(String[] args) throws Exception {
    try (RunLock lock = RunLock.acquire(Path.of(args[0]))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the end of standard input
      }
    }
  }
}

package dev.heed.serve;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in the server's tests for something another thread does (a queue filling, a reload, a
 * metric counted after its answer was sent): a deadline that fails the test, never a measurement.
 */
final class Waits {
  private Waits() {}

  /**
   * Polls {@code condition} every 2 ms until it holds; fails with {@code what} after {@code limit}.
   */
  static void until(BooleanSupplier condition, Duration limit, String what)
      throws InterruptedException {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("timed out after " + limit.toSeconds() + " s waiting for " + what);
      }
      Thread.sleep(2);
    }
  }
}

package dev.heed.serve;

import dev.heed.assembly.Predictor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded checkpoint of a served model with a count of its users: the slot that serves it holds
 * one reference, every batch or stream that runs on it holds another. When the slot swaps in a
 * newer checkpoint it drops its reference, and the predictor is closed when the last user is done,
 * so requests in flight finish on the model they started on.
 */
final class Lease {
  private final Predictor predictor;
  private final AtomicInteger references = new AtomicInteger(1);

  Lease(Predictor predictor) {
    this.predictor = predictor;
  }

  Predictor predictor() {
    return predictor;
  }

  /** Takes a reference; false when the lease was already released for good. */
  boolean acquire() {
    for (; ; ) {
      int n = references.get();
      if (n == 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference; the last one closes the predictor. */
  void release() {
    if (references.decrementAndGet() == 0) {
      predictor.close();
    }
  }

  /** Whether the predictor was closed. */
  boolean closed() {
    return references.get() == 0;
  }
}

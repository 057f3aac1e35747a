package dev.heed.core.tensor;

import dev.heed.core.backend.Buffer;
import java.lang.ref.Cleaner;

/**
 * A reference-counted device buffer shared by a tensor and its views (reshapes, detaches). The
 * buffer is released when the last tensor using it closes; a {@link Cleaner} releases buffers whose
 * tensors were never closed, as a safety net only.
 */
final class Storage {
  private static final Cleaner CLEANER = Cleaner.create();

  private final Buffer buffer;
  private final Cleaner.Cleanable cleanable;
  private int references = 1;

  Storage(Buffer buffer) {
    this.buffer = buffer;
    this.cleanable =
        buffer.reclaimedByGarbageCollector() ? null : CLEANER.register(this, new Release(buffer));
  }

  Buffer buffer() {
    if (references <= 0) {
      throw new IllegalStateException(
          "tensor used after it was closed (its scope ended or close() was called)");
    }
    return buffer;
  }

  /** Whether exactly one tensor uses this storage (no view shares it). */
  synchronized boolean exclusive() {
    return references == 1;
  }

  synchronized void retain() {
    if (references <= 0) {
      throw new IllegalStateException("tensor used after it was closed");
    }
    references++;
  }

  synchronized void release() {
    if (references > 0 && --references == 0) {
      if (cleanable == null) {
        buffer.close();
      } else {
        cleanable.clean();
      }
    }
  }

  private record Release(Buffer buffer) implements Runnable {
    @Override
    public void run() {
      buffer.close();
    }
  }
}

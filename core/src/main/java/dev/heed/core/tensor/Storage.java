package dev.heed.core.tensor;

import dev.heed.core.backend.Buffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;

/**
 * A reference-counted device buffer shared by a tensor and its views (reshapes, detaches). The
 * buffer is released when the last tensor using it closes; a {@link Cleaner} releases buffers whose
 * tensors were never closed, as a safety net only.
 */
final class Storage {
  private static final Cleaner CLEANER = Cleaner.create();

  private static final VarHandle REFERENCES;

  static {
    try {
      REFERENCES = MethodHandles.lookup().findVarHandle(Storage.class, "references", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Buffer buffer;
  private final Cleaner.Cleanable cleanable;

  /** Tensors using the buffer; 0 once released. Changed by compare-and-set (one atomic each). */
  private volatile int references = 1;

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
  boolean exclusive() {
    return references == 1;
  }

  void retain() {
    int r;
    do {
      r = references;
      if (r <= 0) {
        throw new IllegalStateException("tensor used after it was closed");
      }
    } while (!REFERENCES.compareAndSet(this, r, r + 1));
  }

  void release() {
    int r;
    do {
      r = references;
      if (r <= 0) {
        return;
      }
    } while (!REFERENCES.compareAndSet(this, r, r - 1));
    if (r == 1) {
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

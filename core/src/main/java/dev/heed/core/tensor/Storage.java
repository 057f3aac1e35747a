package dev.heed.core.tensor;

import dev.heed.core.backend.Buffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;

/**
 * A reference-counted device buffer shared by a tensor and its views (reshapes, permutes, slices,
 * detaches). The buffer is released when the last tensor using it closes; a {@link Cleaner}
 * releases buffers whose tensors were never closed, as a safety net only.
 *
 * <p>The storage also carries the version counter of its data: every write into the buffer after
 * the kernel that first filled it raises it, so that backward can tell when a tensor saved for a
 * gradient was modified in place afterwards. Tensors are not thread-safe, and neither is the
 * counter.
 */
final class Storage {
  private static final Cleaner CLEANER = Cleaner.create();

  private static final VarHandle EXTRA;

  static {
    try {
      EXTRA = MethodHandles.lookup().findVarHandle(Storage.class, "extra", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Buffer buffer;
  private final Cleaner.Cleanable cleanable;

  /**
   * Tensors using the buffer besides the first: 0 while one does, -1 once released. Changed by
   * compare-and-set (one atomic each). It starts at its default, 0, so a new storage costs no
   * volatile write (a fence on x86: a seed-sized training step creates about twenty tensors).
   */
  private volatile int extra;

  /** Writes since creation. */
  private int version;

  Storage(Buffer buffer) {
    this.buffer = buffer;
    this.cleanable =
        buffer.reclaimedByGarbageCollector() ? null : CLEANER.register(this, new Release(buffer));
  }

  Buffer buffer() {
    if (extra < 0) {
      throw new IllegalStateException(
          "tensor used after it was closed (its scope ended or close() was called)");
    }
    return buffer;
  }

  /** Writes into the buffer since it was created. */
  int version() {
    return version;
  }

  /** Records a write into the buffer. */
  void bumpVersion() {
    version++;
  }

  /** Whether exactly one tensor uses this storage (no view shares it). */
  boolean exclusive() {
    return extra == 0;
  }

  void retain() {
    int r;
    do {
      r = extra;
      if (r < 0) {
        throw new IllegalStateException("tensor used after it was closed");
      }
    } while (!EXTRA.compareAndSet(this, r, r + 1));
  }

  void release() {
    int r;
    do {
      r = extra;
      if (r < 0) {
        return;
      }
    } while (!EXTRA.compareAndSet(this, r, r - 1));
    if (r == 0) {
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

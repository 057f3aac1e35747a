package dev.heed.core.backend;

/**
 * An opaque block of device memory owned by one {@link Backend}.
 *
 * <p>Core never looks inside a buffer: it only passes buffers back to the backend that allocated
 * them. A buffer may live on the Java heap, off-heap or on a GPU. Its contents cross to the host
 * only through {@link Backend#upload} and {@link Backend#download}.
 *
 * <p>{@link #close()} releases the memory deterministically and is idempotent. After closing,
 * passing the buffer to a kernel is an error. Buffers are not thread-safe: one training step uses a
 * buffer from one thread at a time.
 */
public interface Buffer extends AutoCloseable {

  /**
   * The backend instance that allocated this buffer. Core's checks ({@link Kernels}) compare it
   * with the backend a kernel is issued to, so a buffer never reaches another backend's kernel.
   */
  Backend backend();

  /** The element type. */
  DType dtype();

  /** Number of elements (not bytes). */
  long size();

  /** Whether {@link #close()} has been called. */
  boolean isReleased();

  /**
   * Whether the garbage collector reclaims this buffer's memory by itself once it is unreachable (a
   * Java array on the heap). Core then skips the {@link java.lang.ref.Cleaner} safety net for it,
   * which costs a registration per tensor. Off-heap and device buffers keep the default, false.
   */
  default boolean reclaimedByGarbageCollector() {
    return false;
  }

  /** Releases the device memory. Idempotent; never throws. */
  @Override
  void close();
}

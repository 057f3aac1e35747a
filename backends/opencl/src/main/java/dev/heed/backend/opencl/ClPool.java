package dev.heed.backend.opencl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Released {@code cl_mem} objects by byte size, handed to the next allocation of that size instead
 * of going back to the driver. A training step allocates the same sizes every step, and creating
 * and releasing a {@code cl_mem} per operation costs a driver call each, which dominates small
 * steps on a GPU.
 *
 * <p>Reuse is safe because the backend has one in-order command queue: whatever a new owner of a
 * buffer queues runs after every command queued for its old owner. Contents are not cleared here;
 * {@code allocate} fills zeros as before, {@code allocateForOverwrite} does not. The pool holds at
 * most {@code maxBytes}; a release that would exceed it goes to the driver, and so does every
 * release after {@link #close}. Thread-safe (buffers are released from any thread, a {@code
 * Cleaner}'s included).
 */
final class ClPool {
  private final long maxBytes;
  private final Map<Long, ArrayDeque<ClMem>> free = new HashMap<>();
  private long bytes;
  private boolean closed;

  ClPool(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A pooled buffer of exactly {@code size} bytes, or {@code null}. */
  synchronized ClMem take(long size) {
    ArrayDeque<ClMem> q = free.get(size);
    ClMem mem = q == null ? null : q.pollLast();
    if (mem != null) {
      bytes -= size;
    }
    return mem;
  }

  /** Keeps {@code mem} of {@code size} bytes for reuse; false when the caller must release it. */
  synchronized boolean give(ClMem mem, long size) {
    if (closed || size <= 0 || bytes + size > maxBytes) {
      return false;
    }
    free.computeIfAbsent(size, s -> new ArrayDeque<>()).addLast(mem);
    bytes += size;
    return true;
  }

  /** Empties the pool and returns what it held, for the caller to release. */
  synchronized List<ClMem> drain() {
    List<ClMem> all = new ArrayList<>();
    for (ArrayDeque<ClMem> q : free.values()) {
      all.addAll(q);
    }
    free.clear();
    bytes = 0;
    return all;
  }

  /** Drains the pool and refuses every later {@link #give}. */
  synchronized List<ClMem> close() {
    closed = true;
    return drain();
  }

  /** Bytes held for reuse. */
  synchronized long bytes() {
    return bytes;
  }
}

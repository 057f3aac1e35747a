package dev.heed.backend.simd;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The float arrays of released buffers, kept for the next buffer of the same length. A training
 * step allocates the same activations and gradients every step; a fresh Java array is new memory
 * (the allocator moves on through the heap), so every step would write its intermediates to cold
 * cache lines, while the array released by the previous step is still in the level-2 or level-3
 * cache; a large new array also costs the JVM's zeroing and, soon, a collection. Only arrays of
 * {@link #MIN_LENGTH} to {@link #MAX_LENGTH} elements (8 MiB: a CNN's activations over a batch) are
 * kept (smaller ones cost less to allocate than to look up), at most {@link #CAPACITY_FLOATS}
 * elements (64 MiB) in all, newest first. A kept array is zeroed when handed out, as a new one is,
 * unless it is for an output that a kernel is about to overwrite ({@code allocateForOverwrite}).
 * Safe for any thread.
 */
final class ArrayPool {
  static final int MIN_LENGTH = 1024;
  static final int MAX_LENGTH = 1 << 21;
  static final long CAPACITY_FLOATS = 1L << 24;

  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private long kept;

  /**
   * An array of {@code length} floats: a kept one if there is one (zeroed when {@code zero}, else
   * as its last buffer left it), else a new one (zeros).
   */
  float[] take(int length, boolean zero) {
    if (length >= MIN_LENGTH && length <= MAX_LENGTH) {
      float[] a;
      synchronized (this) {
        ArrayDeque<float[]> q = free.get(length);
        a = q == null ? null : q.pollLast();
        if (a != null) {
          kept -= length;
        }
      }
      if (a != null) {
        if (zero) {
          Arrays.fill(a, 0f);
        }
        return a;
      }
    }
    return new float[length];
  }

  /** Keeps {@code a}, which nothing else refers to any more, if it fits the pool. */
  void give(float[] a) {
    int length = a.length;
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return;
    }
    synchronized (this) {
      if (kept + length > CAPACITY_FLOATS) {
        return;
      }
      free.computeIfAbsent(length, l -> new ArrayDeque<>()).addLast(a);
      kept += length;
    }
  }

  /** Drops every kept array. */
  synchronized void clear() {
    free.clear();
    kept = 0;
  }
}

package dev.heed.core.backend.support;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;

/**
 * A buffer held as a Java array on the heap ({@code float[]}, {@code double[]} or {@code int[]} by
 * {@link DType}), the storage of backends that compute on the CPU. Each such backend subclasses it
 * (so {@link KernelChecks#buffer} can tell its buffers from another backend's) and records its
 * owner there. Closing drops the array reference, so the garbage collector reclaims it; {@link
 * #close()} is idempotent and safe from any thread (a {@code Cleaner} thread included).
 */
public abstract class HeapBuffer implements Buffer {
  private final String backendName;
  private final DType dtype;
  private final int size;

  /** The array, or null once released. Volatile so a close from another thread is seen. */
  private volatile Object data;

  /**
   * Allocates a zeroed array of {@code size} elements of {@code dtype}.
   *
   * @param backendName the owning backend's name, shown by {@link #toString()}
   * @param dtype the element type
   * @param size the number of elements, at least 0
   * @throws OutOfMemoryError when the heap has no room for the array
   */
  protected HeapBuffer(String backendName, DType dtype, int size) {
    this.backendName = backendName;
    this.dtype = dtype;
    this.size = size;
    this.data =
        switch (dtype) {
          case FLOAT32 -> new float[size];
          case FLOAT64 -> new double[size];
          case INT32 -> new int[size];
        };
  }

  /** A Java array: the garbage collector reclaims it, no cleaner is needed. */
  @Override
  public final boolean reclaimedByGarbageCollector() {
    return true;
  }

  @Override
  public final DType dtype() {
    return dtype;
  }

  @Override
  public final long size() {
    return size;
  }

  /** The size as an int (buffers never exceed the Java array limit). */
  public final int length() {
    return size;
  }

  /** The backing array, or null when released. */
  public final Object data() {
    return data;
  }

  /** The {@code float[]} of a live FLOAT32 buffer (checked by the caller). */
  public final float[] floats() {
    return (float[]) data;
  }

  /** The {@code double[]} of a live FLOAT64 buffer (checked by the caller). */
  public final double[] doubles() {
    return (double[]) data;
  }

  /** The {@code int[]} of a live INT32 buffer (checked by the caller). */
  public final int[] ints() {
    return (int[]) data;
  }

  @Override
  public final boolean isReleased() {
    return data == null;
  }

  @Override
  public final void close() {
    data = null;
  }

  @Override
  public String toString() {
    return backendName + " " + dtype + "[" + size + "]" + (isReleased() ? " (released)" : "");
  }
}

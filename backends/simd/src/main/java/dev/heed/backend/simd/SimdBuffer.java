package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;

/**
 * A buffer of the {@code simd} backend: a Java array on the heap ({@code float[]}, {@code double[]}
 * or {@code int[]} by {@link DType}). Closing drops the array reference, so the garbage collector
 * reclaims it; {@link #close()} is idempotent and safe from any thread (a {@code Cleaner} thread
 * included).
 */
final class SimdBuffer implements Buffer {
  private final SimdBackend owner;
  private final DType dtype;
  private final int size;

  /** The array, or null once released. Volatile so a close from another thread is seen. */
  private volatile Object data;

  SimdBuffer(SimdBackend owner, DType dtype, int size) {
    this.owner = owner;
    this.dtype = dtype;
    this.size = size;
    this.data =
        switch (dtype) {
          case FLOAT32 -> new float[size];
          case FLOAT64 -> new double[size];
          case INT32 -> new int[size];
        };
  }

  /** The backend that allocated this buffer. */
  SimdBackend owner() {
    return owner;
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public long size() {
    return size;
  }

  /** The size as an int (buffers never exceed the Java array limit). */
  int length() {
    return size;
  }

  /** The backing array, or null when released. */
  Object data() {
    return data;
  }

  /** The {@code float[]} of a live FLOAT32 buffer (checked by the caller). */
  float[] floats() {
    return (float[]) data;
  }

  /** The {@code double[]} of a live FLOAT64 buffer (checked by the caller). */
  double[] doubles() {
    return (double[]) data;
  }

  /** The {@code int[]} of a live INT32 buffer (checked by the caller). */
  int[] ints() {
    return (int[]) data;
  }

  @Override
  public boolean isReleased() {
    return data == null;
  }

  @Override
  public void close() {
    data = null;
  }

  @Override
  public String toString() {
    return "simd " + dtype + "[" + size + "]" + (isReleased() ? " (released)" : "");
  }
}

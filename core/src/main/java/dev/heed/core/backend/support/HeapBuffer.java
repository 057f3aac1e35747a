package dev.heed.core.backend.support;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A buffer held as a Java array on the heap ({@code float[]}, {@code double[]}, {@code int[]}, or
 * {@code short[]} for the 16-bit storage types, by {@link DType}), the storage of backends that
 * compute on the CPU ({@link HeapBackend}), owned by the backend instance that allocated it.
 * Closing drops the array reference, so the garbage collector reclaims it, or hands it to {@link
 * #released(Object)} once, where a backend may keep it for a later buffer of the same size; {@link
 * #close()} is idempotent and safe from any thread (a {@code Cleaner} thread included).
 */
public class HeapBuffer implements Buffer {
  private final Backend owner;
  private final DType dtype;
  private final int size;

  /**
   * The array, or null once released. Not a volatile field: the constructor's store would then be a
   * fence on every buffer (a small training step allocates about twenty). {@link #close()} clears
   * it atomically and {@link #isReleased()} reads it as a volatile, so a close from another thread
   * is seen there; kernels read it plainly.
   */
  private Object data;

  private static final VarHandle DATA;

  static {
    try {
      DATA = MethodHandles.lookup().findVarHandle(HeapBuffer.class, "data", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Allocates a zeroed array of {@code size} elements of {@code dtype}.
   *
   * @param owner the backend that allocates it
   * @param dtype the element type
   * @param size the number of elements, at least 0
   * @throws OutOfMemoryError when the heap has no room for the array
   */
  public HeapBuffer(Backend owner, DType dtype, int size) {
    this.owner = owner;
    this.dtype = dtype;
    this.size = size;
    this.data =
        switch (dtype) {
          case FLOAT32 -> new float[size];
          case FLOAT64 -> new double[size];
          case INT32 -> new int[size];
          case BFLOAT16, FLOAT16 -> new short[size];
        };
  }

  /**
   * A buffer over {@code data}, an array of {@code size} elements of {@code dtype} ({@code
   * float[]}, {@code double[]} or {@code int[]}) that the caller hands over: nothing else may hold
   * it. Its contents become the buffer's, so it must be zeroed for {@code Backend.allocate}; for
   * {@code Backend.allocateForOverwrite} they may be anything.
   *
   * @throws IllegalArgumentException when the array is not of that type and length
   */
  public HeapBuffer(Backend owner, DType dtype, int size, Object data) {
    int length =
        switch (dtype) {
          case FLOAT32 -> data instanceof float[] f ? f.length : -1;
          case FLOAT64 -> data instanceof double[] d ? d.length : -1;
          case INT32 -> data instanceof int[] i ? i.length : -1;
          case BFLOAT16, FLOAT16 -> data instanceof short[] h ? h.length : -1;
        };
    if (length != size) {
      throw new IllegalArgumentException(
          owner.name() + " buffer: the given array is not " + dtype + "[" + size + "]");
    }
    this.owner = owner;
    this.dtype = dtype;
    this.size = size;
    this.data = data;
  }

  @Override
  public final Backend backend() {
    return owner;
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

  /** The {@code short[]} of a live BFLOAT16 or FLOAT16 buffer (checked by the caller). */
  public final short[] shorts() {
    return (short[]) data;
  }

  @Override
  public final boolean isReleased() {
    return DATA.getVolatile(this) == null;
  }

  @Override
  public final void close() {
    Object d = DATA.getAndSet(this, null);
    if (d != null) {
      released(d);
    }
  }

  /**
   * Called once, by the first {@link #close()}, with the array this buffer held: nothing refers to
   * it through this buffer any more. Does nothing here (the garbage collector reclaims the array);
   * a backend may keep it for a later buffer of the same size.
   */
  protected void released(Object data) {}

  @Override
  public String toString() {
    return owner.name() + " " + dtype + "[" + size + "]" + (isReleased() ? " (released)" : "");
  }
}

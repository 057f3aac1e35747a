package dev.heed.core.backend;

/**
 * Element type of a device buffer.
 *
 * <p>{@link #FLOAT32} is the working type of training and inference; {@link #FLOAT64} exists so
 * that the gradient checker can compare analytic and numerical derivatives without float32 rounding
 * noise; {@link #INT32} holds indices (embedding lookups, class labels, arg-max results).
 */
public enum DType {
  /** IEEE 754 binary32, 4 bytes. */
  FLOAT32(4),
  /** IEEE 754 binary64, 8 bytes. */
  FLOAT64(8),
  /** Two's-complement 32-bit integer, 4 bytes; only for indices. */
  INT32(4);

  private final int byteSize;

  DType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether this type holds real numbers that gradients can flow through. */
  public boolean isFloatingPoint() {
    return this != INT32;
  }
}

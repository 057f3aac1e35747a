package dev.heed.core.backend;

/**
 * Element type of a device buffer.
 *
 * <p>{@link #FLOAT32} is the working type of training and inference; {@link #FLOAT64} exists so
 * that the gradient checker can compare analytic and numerical derivatives without float32 rounding
 * noise; {@link #INT32} holds indices (embedding lookups, class labels, arg-max results).
 *
 * <p>{@link #BFLOAT16} and {@link #FLOAT16} are storage types ({@link #isStorageOnly()}): they keep
 * weights in half the memory, and all arithmetic on them is FLOAT32. Only {@code upload}, {@code
 * download} and {@code matmul} read them, the latter as its B operand with FLOAT32 A and C (the
 * backend widens the weight as it reads it, exactly); every other kernel refuses them. A tensor of
 * a storage type cannot require a gradient.
 */
public enum DType {
  /** IEEE 754 binary32, 4 bytes. */
  FLOAT32(4),
  /** IEEE 754 binary64, 8 bytes. */
  FLOAT64(8),
  /** Two's-complement 32-bit integer, 4 bytes; only for indices. */
  INT32(4),
  /**
   * bfloat16 (the upper half of a binary32: 8 exponent bits, 7 fraction bits), 2 bytes; a storage
   * type for weights.
   */
  BFLOAT16(2),
  /** IEEE 754 binary16, 2 bytes; a storage type for weights. */
  FLOAT16(2);

  private final int byteSize;

  DType(int byteSize) {
    this.byteSize = byteSize;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /**
   * Whether this type holds real numbers that kernels compute with and gradients can flow through
   * (FLOAT32 and FLOAT64; not the storage types).
   */
  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT64;
  }

  /**
   * Whether this is a 16-bit storage type ({@link #BFLOAT16}, {@link #FLOAT16}): held in memory,
   * read by {@code matmul} as a B operand widened to FLOAT32, and moved by {@code upload} and
   * {@code download}; no other kernel takes it.
   */
  public boolean isStorageOnly() {
    return this == BFLOAT16 || this == FLOAT16;
  }

  /**
   * The value of the 16-bit {@code bits} of this storage type, exactly.
   *
   * @throws IllegalStateException when this is not a storage type
   */
  public float widen(short bits) {
    return switch (this) {
      case BFLOAT16 -> Float.intBitsToFloat((bits & 0xffff) << 16);
      case FLOAT16 -> Float.float16ToFloat(bits);
      default -> throw new IllegalStateException(this + " is not a 16-bit storage type");
    };
  }

  /**
   * The bits of this storage type nearest to {@code v} (ties to even, as PyTorch's conversion; a
   * NaN stays a NaN, too large a value becomes an infinity).
   *
   * @throws IllegalStateException when this is not a storage type
   */
  public short narrow(float v) {
    return switch (this) {
      case BFLOAT16 -> {
        int b = Float.floatToRawIntBits(v);
        yield Float.isNaN(v)
            ? (short) ((b >>> 16) | 0x0040)
            : (short) ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
      }
      case FLOAT16 -> Float.floatToFloat16(v);
      default -> throw new IllegalStateException(this + " is not a 16-bit storage type");
    };
  }
}

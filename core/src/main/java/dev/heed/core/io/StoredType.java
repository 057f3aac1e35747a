package dev.heed.core.io;

import dev.heed.core.backend.DType;

/**
 * Element type of a tensor inside a safetensors file, with its header code. A stored type need not
 * be a {@link DType}: the 16-bit floating-point types are widened when a file is read and narrowed
 * (rounding to nearest, ties to even, see {@link HalfPrecision}) when one is written.
 */
public enum StoredType {
  /** IEEE 754 binary16. */
  F16("F16", 2),
  /** bfloat16: the upper 16 bits of a binary32. */
  BF16("BF16", 2),
  /** IEEE 754 binary32. */
  F32("F32", 4),
  /** IEEE 754 binary64. */
  F64("F64", 8),
  /** Two's-complement 32-bit integer. */
  I32("I32", 4),
  /**
   * Two's-complement 64-bit integer (PyTorch's index type, found in some checkpoints' buffers):
   * read as {@code INT32} when every value fits, never written.
   */
  I64("I64", 8);

  private final String code;
  private final int byteSize;

  StoredType(String code, int byteSize) {
    this.code = code;
    this.byteSize = byteSize;
  }

  /** The header's name of this type ({@code "BF16"}). */
  public String code() {
    return code;
  }

  /** Bytes per element in the file. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether this type holds real numbers. */
  public boolean isFloatingPoint() {
    return this != I32 && this != I64;
  }

  /** The stored type of {@code dtype}'s elements as they are in memory. */
  public static StoredType of(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> F32;
      case FLOAT64 -> F64;
      case INT32 -> I32;
      case BFLOAT16 -> BF16;
      case FLOAT16 -> F16;
    };
  }

  /**
   * The type {@code code} names, or {@code null} when it is not one that Heed reads. Case matters,
   * as in the format.
   */
  static StoredType ofCode(String code) {
    for (StoredType t : values()) {
      if (t.code.equals(code)) {
        return t;
      }
    }
    return null;
  }

  /** The codes Heed reads, for messages. */
  static String supported() {
    StringBuilder s = new StringBuilder();
    for (StoredType t : values()) {
      s.append(s.isEmpty() ? "" : ", ").append(t.code);
    }
    return s.toString();
  }
}

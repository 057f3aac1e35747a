package dev.heed.backend.simd;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.support.HeapBuffer;

/**
 * A buffer of the {@code simd} backend: a Java array on the heap (see {@link HeapBuffer}), owned by
 * the backend instance that allocated it.
 */
final class SimdBuffer extends HeapBuffer {
  private final SimdBackend owner;

  SimdBuffer(SimdBackend owner, DType dtype, int size) {
    super("simd", dtype, size);
    this.owner = owner;
  }

  /** The backend that allocated this buffer. */
  SimdBackend owner() {
    return owner;
  }
}

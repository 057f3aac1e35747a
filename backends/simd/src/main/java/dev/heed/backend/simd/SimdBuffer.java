package dev.heed.backend.simd;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.support.HeapBuffer;

/**
 * A buffer of the {@code simd} backend: a Java array on the heap (see {@link HeapBuffer}), owned by
 * the backend instance that allocated it. A FLOAT32 buffer's array comes from, and goes back to,
 * the backend's {@link ArrayPool}.
 */
final class SimdBuffer extends HeapBuffer {
  private final SimdBackend owner;

  SimdBuffer(SimdBackend owner, DType dtype, int size) {
    super(owner, dtype, size);
    this.owner = owner;
  }

  SimdBuffer(SimdBackend owner, float[] data) {
    super(owner, DType.FLOAT32, data.length, data);
    this.owner = owner;
  }

  @Override
  protected void released(Object data) {
    if (data instanceof float[] f) {
      owner.pool().give(f);
    }
  }
}

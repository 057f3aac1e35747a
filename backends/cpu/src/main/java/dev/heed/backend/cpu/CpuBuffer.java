package dev.heed.backend.cpu;

import dev.heed.core.backend.DType;
import dev.heed.core.backend.support.HeapBuffer;

/**
 * A buffer of the {@code cpu} backend: a Java array on the heap (see {@link HeapBuffer}), owned by
 * the backend instance that allocated it.
 */
final class CpuBuffer extends HeapBuffer {
  private final CpuBackend owner;

  CpuBuffer(CpuBackend owner, DType dtype, int size) {
    super("cpu", dtype, size);
    this.owner = owner;
  }

  /** The backend that allocated this buffer. */
  CpuBackend owner() {
    return owner;
  }
}

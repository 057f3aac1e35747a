package dev.heed.backend.simd;

import dev.heed.core.backend.Buffer;
import dev.heed.core.backend.DType;
import dev.heed.core.backend.support.KernelChecks;

/**
 * The simd backend's half of the argument checks: which buffers it owns. Every other check is
 * {@link KernelChecks}, shared with the other backends so that all reject the same calls with the
 * same words.
 */
final class Checks {
  private Checks() {}

  /** {@code b} as a live buffer of {@code backend}. */
  static SimdBuffer buffer(SimdBackend backend, String kernel, String role, Buffer b) {
    if (b instanceof SimdBuffer s && s.owner() == backend && !s.isReleased()) {
      return s; // the common case, without a capturing lambda per call
    }
    return KernelChecks.buffer(
        "simd", SimdBuffer.class, cb -> cb.owner() == backend, kernel, role, b);
  }

  /**
   * {@code b} as a live FLOAT32 buffer of {@code backend} holding at least {@code size} elements:
   * its array (the checks of the fused kernels' operands).
   */
  static float[] floats(SimdBackend backend, String kernel, String role, Buffer b, long size) {
    SimdBuffer s = buffer(backend, kernel, role, b);
    KernelChecks.dtype(kernel, role, s, DType.FLOAT32);
    KernelChecks.range(kernel, role, s, 0, size);
    return s.floats();
  }
}

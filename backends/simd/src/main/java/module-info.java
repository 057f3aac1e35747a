/**
 * The {@code simd} compute backend: {@code jdk.incubator.vector} kernels (preferred species, FMA),
 * a blocked and packed matmul, and work split over a pool of threads. Exports nothing; it is found
 * through its provider.
 */
module dev.heed.backend.simd {
  requires dev.heed.core;
  requires jdk.incubator.vector;

  provides dev.heed.core.backend.BackendProvider with
      dev.heed.backend.simd.SimdBackendProvider;
}

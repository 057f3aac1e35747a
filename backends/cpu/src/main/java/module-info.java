/**
 * The reference compute backend: plain Java on the heap, the living definition of every kernel of
 * {@link dev.heed.core.backend.Backend}. Exports nothing; it is found through its provider.
 */
module dev.heed.backend.cpu {
  requires dev.heed.core;

  provides dev.heed.core.backend.BackendProvider with
      dev.heed.backend.cpu.CpuBackendProvider;
}

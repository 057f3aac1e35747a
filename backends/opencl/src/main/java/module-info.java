/**
 * The OpenCL backend: every kernel of {@link dev.heed.core.backend.Backend} as OpenCL C, with
 * buffers in device memory, bound to the system's {@code libOpenCL.so.1} through the FFM API
 * ({@code java.lang.foreign}). Exports nothing; it is found through its provider. Run with {@code
 * --enable-native-access=dev.heed.backend.opencl}.
 */
module dev.heed.backend.opencl {
  requires dev.heed.core;

  provides dev.heed.core.backend.BackendProvider with
      dev.heed.backend.opencl.OpenClBackendProvider;
}

/**
 * An example third-party Heed backend, {@code counting}: it wraps another backend, named by its
 * {@code wraps} option, and counts the kernel calls it forwards. The module exports nothing: Heed
 * finds the provider through {@code ServiceLoader}, by the {@code provides} clause below when the
 * jar is on the module path and by {@code META-INF/services} when it is on the class path.
 */
module com.example.heed.backend {
  requires dev.heed.core;

  provides dev.heed.core.backend.BackendProvider with
      com.example.heed.backend.CountingBackendProvider;
}

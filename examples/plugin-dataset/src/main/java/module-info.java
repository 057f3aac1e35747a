/**
 * An example third-party Heed data set, {@code spirals}. The module exports nothing: Heed finds the
 * provider through {@code ServiceLoader}, by the {@code provides} clause below when the jar is on
 * the module path and by {@code META-INF/services} when it is on the class path.
 */
module com.example.heed.dataset {
  requires dev.heed.core;

  provides dev.heed.core.data.DatasetProvider with
      com.example.heed.dataset.SpiralsDatasetProvider;
}

package dev.heed.core.backend;

import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.Provider;

/**
 * Service interface of a compute backend, found with {@link java.util.ServiceLoader}. The
 * provider's {@link #availability()} is a cheap probe (an OpenCL provider checks that a device
 * exists); {@link #create} opens the device.
 */
public interface BackendProvider extends Provider {

  /**
   * Opens the backend with options validated against {@link #options()}.
   *
   * @throws BackendException when the device cannot be opened
   */
  Backend create(Options options);
}

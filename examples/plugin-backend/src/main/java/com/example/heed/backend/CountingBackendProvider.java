package com.example.heed.backend;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsException;
import dev.heed.core.plugin.OptionsSchema;
import dev.heed.core.plugin.PluginException;
import dev.heed.core.plugin.Registry;

/**
 * Provides the {@code counting} backend: another backend, named by the option {@code wraps}
 * (default {@code cpu}; {@code auto} for the best available one), opened with its default options
 * and wrapped so that its kernel calls are counted.
 *
 * <p>Its priority is below the reference backend's, so that {@code backend: auto} never picks it: a
 * config asks for it by name.
 */
public final class CountingBackendProvider implements BackendProvider {
  static final String NAME = "counting";

  private static final OptionsSchema SCHEMA =
      OptionsSchema.of(
          OptionSpec.string(
              "wraps", "cpu", "the backend whose kernels run and are counted, or auto"));

  /** The registry instantiates every provider to read its name; this does no work. */
  public CountingBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "wraps another backend (option wraps) and logs how many times each kernel ran";
  }

  @Override
  public int priority() {
    return -1;
  }

  @Override
  public OptionsSchema options() {
    return SCHEMA;
  }

  @Override
  public Backend create(Options options) {
    String wraps = options.getString("wraps");
    String owner = "backend '" + NAME + "' option 'wraps'";
    Registry<BackendProvider> backends = Plugins.shared().backends();
    BackendProvider wrapped;
    try {
      wrapped =
          wraps.equals("auto") ? backends.chooseAuto().chosen() : backends.getAvailable(wraps);
    } catch (PluginException e) {
      throw new OptionsException("wraps", owner + ": " + e.getMessage());
    }
    if (wrapped.name().equals(NAME)) {
      throw new OptionsException(
          "wraps",
          owner + ": found '" + wraps + "'; expected another backend, such as cpu or simd");
    }
    return new CountingBackend(
        wrapped.create(wrapped.options().defaults("backend '" + wrapped.name() + "'")));
  }
}

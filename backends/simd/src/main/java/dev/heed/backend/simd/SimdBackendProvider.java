package dev.heed.backend.simd;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.plugin.Availability;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;

/**
 * Provides the {@code simd} backend: Vector API kernels on every core. Priority 10, above the
 * reference {@code cpu} (0), so {@code auto} picks it when {@code jdk.incubator.vector} is resolved
 * in the boot layer. Option {@code threads}: the number of threads that run kernels, the caller
 * included; 0 (the default) means {@link Runtime#availableProcessors()}.
 */
public final class SimdBackendProvider implements BackendProvider {
  private static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** The registry instantiates providers; this does no work. */
  public SimdBackendProvider() {}

  @Override
  public String name() {
    return SimdBackend.NAME;
  }

  @Override
  public String description() {
    return "Vector API (jdk.incubator.vector) kernels with blocked matmul, on every core";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Availability availability() {
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return Availability.unavailable(
          "module "
              + VECTOR_MODULE
              + " is not resolved: a class-path launch leaves it out; start java with"
              + " --add-modules "
              + VECTOR_MODULE
              + " (java --add-modules "
              + VECTOR_MODULE
              + " -jar heed-all.jar …) or put heed-backend-simd on the module path (bin/heed"
              + " does)");
    }
    return Availability.available();
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.integer(
                "threads",
                0,
                "threads that run kernels, the caller included; 0 = all available processors")
            .range(0, 4096));
  }

  @Override
  public Backend create(Options options) {
    int threads = options.getInt("threads");
    return new SimdBackend(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
  }
}

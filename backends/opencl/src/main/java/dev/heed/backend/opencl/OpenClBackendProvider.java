package dev.heed.backend.opencl;

import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.plugin.Availability;
import dev.heed.core.plugin.OptionSpec;
import dev.heed.core.plugin.Options;
import dev.heed.core.plugin.OptionsSchema;
import java.util.List;

/**
 * Provides the {@code opencl} backend: OpenCL C kernels on a GPU (or any OpenCL device, such as
 * PoCL on a CPU), bound to the system's {@code libOpenCL.so.1} through the FFM API; nothing is
 * downloaded at run time. The availability probe loads the library and lists platforms and devices
 * (once per JVM); without a library, platform or device the provider is unavailable with that
 * reason, and asking for it by name is an error (there is no fall-back to the CPU).
 *
 * <p>Options: {@code platform} and {@code device}, each an index or a case-insensitive substring of
 * the name (default {@code 0}, the first); {@code matmul}: {@code builtin} (default, the tiled
 * kernel of this module), {@code clblast} (CLBlast's GEMM through FFM; an error when {@code
 * libclblast.so.1} is missing) or {@code auto} (CLBlast when installed). Priority 20 when the
 * machine has an OpenCL GPU, else -1 (an OpenCL device on the CPU is for tests, not for an
 * automatic choice). Needs {@code --enable-native-access=dev.heed.backend.opencl} (or {@code
 * ALL-UNNAMED} on the class path).
 */
public final class OpenClBackendProvider implements BackendProvider {

  /** The registry instantiates providers; this does no work. */
  public OpenClBackendProvider() {}

  @Override
  public String name() {
    return OpenClBackend.NAME;
  }

  @Override
  public List<String> aliases() {
    return List.of("gpu", "cl");
  }

  @Override
  public String description() {
    String what =
        "OpenCL C kernels on an OpenCL device (tiled matmul, reductions, softmax, fused"
            + " elementwise programs, flash-style attention)";
    try {
      return what + "; devices: " + ClDevices.listing(ClDevices.all());
    } catch (IllegalStateException e) {
      return what + "; " + e.getMessage();
    }
  }

  @Override
  public int priority() {
    try {
      return ClDevices.all().stream().anyMatch(ClDevices.Device::gpu) ? 20 : -1;
    } catch (IllegalStateException e) {
      return -1;
    }
  }

  @Override
  public Availability availability() {
    try {
      ClDevices.all();
      return Availability.available();
    } catch (IllegalStateException e) {
      return Availability.unavailable(e.getMessage());
    }
  }

  @Override
  public OptionsSchema options() {
    return OptionsSchema.of(
        OptionSpec.string(
            "platform", "0", "OpenCL platform: index or case-insensitive name substring"),
        OptionSpec.string(
            "device", "0", "device of that platform: index or case-insensitive name substring"),
        OptionSpec.choice(
            "matmul",
            "builtin",
            "matrix products by the built-in tiled kernel, by CLBlast (libclblast1), or by CLBlast"
                + " when installed (auto)",
            "builtin",
            "clblast",
            "auto"));
  }

  @Override
  public Backend create(Options options) {
    ClDevices.Device device;
    try {
      device = ClDevices.select(options.getString("platform"), options.getString("device"));
    } catch (IllegalStateException e) {
      throw new dev.heed.core.backend.BackendException(
          "backend 'opencl' cannot open: " + e.getMessage(), e);
    }
    ClBlast blas =
        switch (options.getString("matmul")) {
          case "clblast" -> {
            try {
              yield ClBlast.library();
            } catch (IllegalStateException e) {
              throw new dev.heed.core.backend.BackendException(
                  "backend 'opencl' option matmul=clblast: " + e.getMessage(), e);
            }
          }
          case "auto" -> {
            try {
              yield ClBlast.library();
            } catch (IllegalStateException e) {
              yield null;
            }
          }
          default -> null;
        };
    return new OpenClBackend(Cl.library(), device, blas);
  }
}

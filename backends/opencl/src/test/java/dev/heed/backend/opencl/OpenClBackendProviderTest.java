package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendException;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.DType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The provider: registration, options, device selection and what it says about the devices. */
class OpenClBackendProviderTest {
  private static BackendProvider provider() {
    return Plugins.shared().backends().get("opencl");
  }

  @Test
  void isRegisteredAndDescribesTheDevices() {
    OpenClTests.assumePlatform();
    BackendProvider p = provider();
    assertTrue(p.availability().isAvailable(), p.availability().reason());
    ClDevices.Device first = ClDevices.all().get(0);
    assertTrue(p.description().contains(first.name()), p.description());
    assertTrue(p.description().contains("compute units"), p.description());
    assertTrue(p.description().contains("MiB global memory"), p.description());
  }

  @Test
  void selectsADeviceByIndexOrNameSubstring() {
    OpenClTests.assumePlatform();
    ClDevices.Device first = ClDevices.all().get(0);
    String part = first.name().substring(0, Math.min(4, first.name().length())).toUpperCase();
    try (Backend b =
        provider()
            .create(
                provider()
                    .options()
                    .resolve(
                        "opencl",
                        Map.of(
                            "platform", first.platformName().substring(0, 3), "device", part)))) {
      assertTrue(b.deviceDescription().contains(first.name()), b.deviceDescription());
      assertEquals(first.fp64(), b.supports(DType.FLOAT64));
    }
  }

  @Test
  void aKernelThatDoesNotCompileIsABackendExceptionWithTheBuildLog() {
    OpenClBackend b = OpenClTests.backend();
    BackendException e =
        assertThrows(
            BackendException.class,
            () ->
                new ClProgram(
                    Cl.library(),
                    b.context(),
                    b.device(),
                    "__kernel void broken(__global float* x) { x[0] = undeclared_name; }",
                    b.kernelLimit()));
    assertTrue(e.getMessage().contains("build log"), e.getMessage());
    assertTrue(e.getMessage().contains("undeclared_name"), e.getMessage());
  }

  @Test
  void anUnknownDeviceIsAnErrorListingTheDevices() {
    OpenClTests.assumePlatform();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                provider()
                    .create(
                        provider()
                            .options()
                            .resolve("opencl", Map.of("device", "no-such-device-xyz"))));
    assertTrue(e.getMessage().contains("no-such-device-xyz"), e.getMessage());
    assertTrue(e.getMessage().contains(ClDevices.all().get(0).name()), e.getMessage());
  }
}

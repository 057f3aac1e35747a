package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.backend.Backend;
import dev.heed.testkit.TestBackends;

/** The shared opencl backend of the tests, skipped (saying why) only where no platform exists. */
final class OpenClTests {
  private OpenClTests() {}

  /**
   * Skips the calling test when this machine has no OpenCL library or platform at all; any other
   * failure to open the backend fails the test.
   */
  static void assumePlatform() {
    try {
      ClDevices.all();
    } catch (IllegalStateException e) {
      String reason = e.getMessage();
      boolean none =
          reason.startsWith("no OpenCL library") || reason.startsWith("no OpenCL platform");
      assumeTrue(!none, "opencl tests skipped: " + reason);
      throw e;
    }
  }

  /** The opencl backend with default options, shared by every test of the JVM. */
  static OpenClBackend backend() {
    assumePlatform();
    Backend b = TestBackends.open("opencl");
    return (OpenClBackend) b;
  }
}

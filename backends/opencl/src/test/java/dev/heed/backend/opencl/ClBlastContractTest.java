package dev.heed.backend.opencl;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.testkit.BackendContract;
import java.util.Map;

/**
 * The backend contract with {@code matmul=clblast}, where CLBlast is installed (skipped, saying so,
 * where it is not: it is optional, and the built-in kernel is the fall-back).
 */
class ClBlastContractTest extends BackendContract {
  private static Backend shared;

  @Override
  protected Backend backend() {
    OpenClTests.assumePlatform();
    try {
      ClBlast.library();
    } catch (IllegalStateException e) {
      assumeTrue(false, e.getMessage());
    }
    synchronized (ClBlastContractTest.class) {
      if (shared == null) {
        BackendProvider p = Plugins.shared().backends().get("opencl");
        shared = p.create(p.options().resolve("opencl", Map.of("matmul", "clblast")));
      }
      return shared;
    }
  }
}

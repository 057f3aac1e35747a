package dev.heed.backend.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.FusedConv2d;
import dev.heed.core.backend.support.DelegatingBackend;
import dev.heed.testkit.FusedConv2dContract;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The simd backend's {@link FusedConv2d} passed through a {@link DelegatingBackend}: the contract
 * on the wrapper, whose buffers the wrapper unwraps before the simd kernel sees them.
 */
class DelegatingSimdFusedConv2dTest extends FusedConv2dContract {
  private static final Backend BACKEND = wrapped();

  private static Backend wrapped() {
    BackendProvider p = Plugins.shared().backends().getAvailable("simd");
    return new DelegatingBackend(p.create(p.options().resolve("backend 'simd'", Map.of()))) {};
  }

  /** The contract would skip, not fail, if the wrapper dropped the capability. */
  @BeforeAll
  static void theCapabilityIsPassedThrough() {
    assertTrue(
        BACKEND.capability(FusedConv2d.class).isPresent(), "the simd FusedConv2d was dropped");
  }

  @Override
  protected Backend backend() {
    return BACKEND;
  }
}

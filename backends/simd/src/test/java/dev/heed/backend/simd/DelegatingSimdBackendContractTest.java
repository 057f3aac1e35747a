package dev.heed.backend.simd;

import dev.heed.core.Plugins;
import dev.heed.core.backend.Backend;
import dev.heed.core.backend.BackendProvider;
import dev.heed.core.backend.Capability;
import dev.heed.core.backend.FusedAttention;
import dev.heed.core.backend.FusedBatchNorm;
import dev.heed.core.backend.FusedConv2d;
import dev.heed.core.backend.FusedElementwise;
import dev.heed.core.backend.FusedLayerNorm;
import dev.heed.core.backend.FusedMaxPool2d;
import dev.heed.core.backend.support.DelegatingBackend;
import dev.heed.testkit.BackendContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The full backend contract, with the contracts of the capabilities it runs, on a {@link
 * DelegatingBackend} over a simd backend of its own: the simd backend's fused kernels are passed
 * through and run on the simd backend's own buffers.
 */
class DelegatingSimdBackendContractTest extends BackendContract {
  private static final Backend BACKEND = wrapped();

  private static Backend wrapped() {
    BackendProvider p = Plugins.shared().backends().getAvailable("simd");
    return new DelegatingBackend(p.create(p.options().resolve("backend 'simd'", Map.of()))) {};
  }

  /** The capability contracts would skip, not fail, if the wrapper dropped a capability. */
  @BeforeAll
  static void everyCapabilityIsPassedThrough() {
    for (Class<? extends Capability> type :
        List.of(
            FusedElementwise.class,
            FusedLayerNorm.class,
            FusedAttention.class,
            FusedConv2d.class,
            FusedMaxPool2d.class,
            FusedBatchNorm.class)) {
      if (BACKEND.capability(type).isEmpty()) {
        throw new AssertionError("the simd backend's " + type.getSimpleName() + " was dropped");
      }
    }
  }

  @Override
  protected Backend backend() {
    return BACKEND;
  }
}
